import { useState } from 'preact/hooks';

export interface Action {
  busy: boolean;
  error: string | null;
  /** What the last action did, in words, for a status line. */
  notice: string | null;
  run: (work: () => Promise<string | void>) => Promise<boolean>;
}

/** A change the user asked for (a form, a button): busy while it runs, then its result or the gateway's refusal in words. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const run = async (work: () => Promise<string | void>) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      setNotice((await work()) ?? null);
      return true;
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, notice, run };
}
