import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Loaded<Value> {
  value: Value | undefined;
  error: string | null;
  loading: boolean;
  /** Loads again (after a change the page made, or on a timer). */
  reload: () => void;
}

/**
 * Runs `load` when the component mounts and whenever `dependencies` change, keeping the last value
 * while a new load runs. An answer that arrives after a newer load started is dropped, so a slow
 * answer never overwrites a newer one. With `refreshMs`, loads again on that period while mounted.
 */
export function useLoad<Value>(load: () => Promise<Value>, dependencies: unknown[], refreshMs?: number): Loaded<Value> {
  const [value, setValue] = useState<Value | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const [reloads, setReloads] = useState(0);
  const reload = useCallback(() => setReloads((count) => count + 1), []);

  useEffect(() => {
    const current = ++generation.current;
    setLoading(true);
    load().then(
      (loaded) => {
        if (current !== generation.current) return;
        setValue(() => loaded);
        setError(null);
        setLoading(false);
      },
      (failure: unknown) => {
        if (current !== generation.current) return;
        setError(failure instanceof Error ? failure.message : String(failure));
        setLoading(false);
      },
    );
  }, [...dependencies, reloads]);

  useEffect(() => {
    if (!refreshMs) return;
    const timer = setInterval(reload, refreshMs);
    return () => clearInterval(timer);
  }, [refreshMs, reload]);

  return { value, error, loading, reload };
}
