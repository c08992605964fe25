import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';

interface SelectFieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  children: ComponentChildren;
}

/**
 * A labelled select. The label names the select through `for`, not by wrapping it: a wrapping
 * label's accessible name would also hold every option's text.
 */
export function SelectField({ label, value, onChange, children }: SelectFieldProps) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.currentTarget.value)}>
        {children}
      </select>
    </div>
  );
}
