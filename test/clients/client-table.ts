import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One model of each provider family, the columns of the README's client tables. */
export const FAMILIES = {
  OpenAI: 'gpt-5-mini',
  xAI: 'grok-4',
  Fireworks: 'accounts/fireworks/models/gpt-oss-120b',
  Perplexity: 'sonar-pro',
  Anthropic: 'claude-sonnet-4-6',
  Google: 'gemini-2.5-flash',
} as const;
export type Family = keyof typeof FAMILIES;

const README = fileURLToPath(new URL('../../README.md', import.meta.url));

/** What one client did on one family: the cases that passed, and those refused with the gateway's reason. */
export interface CellOutcome {
  passed: string[];
  refused: { testCase: string; reason: string }[];
}

/**
 * A README table written from a client suite's results, not by hand: each test records its row's
 * cell; once every cell is in (a whole run), the rendered table must equal the README's between
 * `<!-- client-table:<region> -->` markers, or, with UPDATE_README_TABLES=1 (`npm run
 * clients:table`), it is written there.
 */
export class ClientTable {
  private readonly cells = new Map<string, CellOutcome>();

  constructor(
    private readonly region: string,
    private readonly rows: { client: string; label: string }[],
  ) {}

  record(client: string, family: Family, outcome: CellOutcome): void {
    this.cells.set(`${client}\u0000${family}`, outcome);
  }

  render(): string {
    const families = Object.keys(FAMILIES) as Family[];
    const reasons: string[] = [];
    const footnote = (reason: string) => {
      if (!reasons.includes(reason)) reasons.push(reason);
      return '¹²³⁴⁵⁶⁷⁸⁹'[reasons.indexOf(reason)] ?? `(${reasons.indexOf(reason) + 1})`;
    };
    const lines = [`| client | ${families.join(' | ')} |`, `|---|${families.map(() => '---').join('|')}|`];
    for (const row of this.rows) {
      const cells = families.map((family) => {
        const outcome = this.cells.get(`${row.client}\u0000${family}`)!;
        if (outcome.refused.length === 0) return '✓';
        const refused = outcome.refused.map((entry) => `${entry.testCase}${footnote(entry.reason)}`).join(', ');
        return outcome.passed.length === 0 ? `refused: ${refused}` : `✓, refused: ${refused}`;
      });
      lines.push(`| ${row.label} | ${cells.join(' | ')} |`);
    }
    const notes = reasons.map((reason, index) => `${'¹²³⁴⁵⁶⁷⁸⁹'[index] ?? `(${index + 1})`} ${reason}`);
    return [...lines, '', ...notes].join('\n').trimEnd();
  }

  /** Checks (or writes) the README's table when every cell was recorded; a partial run checks nothing. */
  syncReadme(): void {
    const complete = this.rows.every((row) => (Object.keys(FAMILIES) as Family[]).every((family) => this.cells.has(`${row.client}\u0000${family}`)));
    if (!complete) return;
    const start = `<!-- client-table:${this.region} -->`;
    const end = `<!-- /client-table:${this.region} -->`;
    const readme = readFileSync(README, 'utf8');
    const from = readme.indexOf(start);
    const to = readme.indexOf(end);
    assert.ok(from >= 0 && to > from, `README.md has the markers ${start} … ${end}`);
    const rendered = `${start}\n${this.render()}\n${end}`;
    const current = readme.slice(from, to + end.length);
    if (process.env.UPDATE_README_TABLES === '1') writeFileSync(README, readme.replace(current, rendered));
    else assert.equal(current, rendered, "the README's client table is this run's result: run `npm run clients:table` to write it");
  }
}
