// A test reporter that prints, after everything else, the tests that failed: file, name and the
// first line of the error. CI keeps only the tail of a long log, where TAP's own report of a
// failure (hundreds of lines up) is out of sight; this names it where the totals are.
export default async function* failureSummary(source) {
  const failures = [];
  for await (const event of source) {
    // A suite fails because a test in it failed: the test is what to name.
    if (event.type === 'test:fail' && event.data.details?.type !== 'suite') failures.push(event.data);
  }
  if (failures.length === 0) return;
  yield `\n# failing tests (${failures.length}):\n`;
  for (const failure of failures) {
    const error = failure.details?.error;
    const lines = String(error?.cause?.message ?? error?.message ?? error ?? '').split('\n').map((line) => line.trim()).filter(Boolean);
    yield `#   ${failure.file ?? '?'} — ${failure.name}: ${lines.slice(0, 4).join(' | ').slice(0, 400)}\n`;
  }
}
