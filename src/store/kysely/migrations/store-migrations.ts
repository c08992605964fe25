import type { Kysely } from 'kysely';
import { createAccountsAndUsage } from './0001-create-accounts-and-usage.ts';
import { addUsageSurface } from './0002-add-usage-surface.ts';
import { createResponses } from './0003-create-responses.ts';
import { addMetering } from './0004-add-metering.ts';
import { createKeyVersionSequence } from './0005-create-key-version-sequence.ts';
import { addUsageFlag } from './0006-add-usage-flag.ts';
import { addStoredResponseItems } from './0007-add-stored-response-items.ts';
import { addResponseDeployment } from './0008-add-response-deployment.ts';
import { addUsageDeployment } from './0009-add-usage-deployment.ts';
import { addRequestLog } from './0010-add-request-log.ts';
import { createChatbots } from './0011-create-chatbots.ts';
import { addUsageUnits } from './0012-add-usage-units.ts';
import { createVideoJobs } from './0013-create-video-jobs.ts';
import { countLedgerRewrites } from './0014-count-ledger-rewrites.ts';

/**
 * One schema change, written with Kysely's schema builder so the same step serves SQLite and
 * PostgreSQL. `version` is the row it leaves in `schema_migrations`: versions 1–4 are the ones
 * the earlier raw-SQL SQLite store recorded, so its data folders carry on from version 5.
 */
export interface StoreMigration {
  version: number;
  name: string;
  up(database: Kysely<any>, backend: 'sqlite' | 'postgres'): Promise<void>;
}

/** Applied in order by `migrateToLatest`; append only — never edit one that has shipped. */
export const STORE_MIGRATIONS: StoreMigration[] = [createAccountsAndUsage, addUsageSurface, createResponses, addMetering, createKeyVersionSequence, addUsageFlag, addStoredResponseItems, addResponseDeployment, addUsageDeployment, addRequestLog, createChatbots, addUsageUnits, createVideoJobs, countLedgerRewrites];
