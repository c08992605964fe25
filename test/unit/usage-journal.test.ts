import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { UsageJournal } from '../../src/usage/usage-journal.ts';

const folder = mkdtempSync(join(tmpdir(), 'switchyard-journal-unit-'));
after(() => rmSync(folder, { recursive: true, force: true }));

const entry = (requestId: string) => ({ record: { requestId } as never });

describe('UsageJournal: instances that share a data folder', () => {
  test('a starting instance claims what another left and removes only that once written; the other\'s newer entries stay; a line cut short by a crash is skipped', () => {
    const journalFolder = join(folder, 'shared');
    const first = new UsageJournal(journalFolder);
    first.append([entry('req_1'), entry('req_2')]);
    appendFileSync(join(journalFolder, readdirSync(journalFolder)[0]!), '{"record":{"requestId":"req_cut');

    const second = new UsageJournal(journalFolder);
    assert.deepEqual(second.read().map((item) => item.record.requestId), ['req_1', 'req_2']);

    first.append([entry('req_3')]);
    second.clear();
    const left = readdirSync(journalFolder);
    assert.equal(left.length, 1, 'the first instance\'s newer entries stay');
    assert.deepEqual(new UsageJournal(journalFolder).read().map((item) => item.record.requestId), ['req_3']);
  });
});
