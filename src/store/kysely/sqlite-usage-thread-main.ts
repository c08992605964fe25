import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { trimIdleMemory } from '../../core/trim-idle-memory.ts';
import type { TableRows, UsageBatchAnswer, UsageBatchMessage } from './sqlite-usage-thread.ts';

/**
 * The thread that writes a SQLite store's usage batches (sqlite-usage-thread.ts): its own
 * connection, the same settings as the event loop's (open-sqlite-backend.ts), two prepared
 * statements, one transaction per batch. A row already written is left alone (a batch retried
 * after a failure counts nothing twice).
 */
const port = parentPort!;
const connection = new Database((workerData as { path: string }).path);
connection.pragma('journal_mode = WAL');
connection.pragma('synchronous = NORMAL');
connection.pragma('busy_timeout = 5000');
connection.pragma('foreign_keys = ON');

// Its isolate grows a young generation of its own under load: given back once idle, as the gateway's.
const stopTrimming = trimIdleMemory();

const prepared = new Map<string, Database.Statement>();
/** The insert of one row of these columns, prepared once. */
function insert(table: 'usage_records' | 'ledger_entries', columns: string[], conflict: string): Database.Statement {
  const text = `insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')}) on conflict${conflict} do nothing`;
  let statement = prepared.get(text);
  if (!statement) {
    statement = connection.prepare(text);
    prepared.set(text, statement);
  }
  return statement;
}

const writeBatch = connection.transaction((usage: TableRows, ledger: TableRows) => {
  if (usage.rows.length > 0) {
    const statement = insert('usage_records', usage.columns, ' (request_id)');
    for (const row of usage.rows) statement.run(row);
  }
  if (ledger.rows.length > 0) {
    const statement = insert('ledger_entries', ledger.columns, '');
    for (const row of ledger.rows) statement.run(row);
  }
});

port.on('message', (message: UsageBatchMessage | 'close') => {
  if (message === 'close') {
    stopTrimming();
    connection.close();
    port.close();
    return;
  }
  let answer: UsageBatchAnswer;
  try {
    writeBatch.immediate(message.usage, message.ledger);
    answer = { id: message.id, ok: true };
  } catch (error) {
    answer = { id: message.id, ok: false, message: (error as Error).message, code: (error as { code?: string }).code };
  }
  port.postMessage(answer);
});
