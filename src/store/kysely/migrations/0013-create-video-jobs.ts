import type { StoreMigration } from './store-migrations.ts';

/**
 * Video jobs (`/v1/videos`): the gateway's id for each job a provider runs, who made it, where it
 * runs, and its billing. A job is billed once, when it ends: `settled_at` is set by the one write
 * that wins it. The instance that follows the job (`owner`) stamps `heartbeat_at`; a job whose
 * owner stopped stamping is taken over by another instance.
 */
export const createVideoJobs: StoreMigration = {
  version: 13,
  name: 'create-video-jobs',
  async up(database) {
    await database.schema
      .createTable('video_jobs')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('organization_id', 'text', (column) => column.notNull())
      .addColumn('api_key_id', 'text', (column) => column.notNull())
      .addColumn('request_id', 'text', (column) => column.notNull())
      .addColumn('model', 'text', (column) => column.notNull())
      .addColumn('provider', 'text', (column) => column.notNull())
      .addColumn('deployment', 'text')
      .addColumn('upstream_id', 'text', (column) => column.notNull())
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('progress', 'integer', (column) => column.notNull())
      .addColumn('prompt', 'text', (column) => column.notNull())
      .addColumn('seconds', 'integer', (column) => column.notNull())
      .addColumn('size', 'text', (column) => column.notNull())
      .addColumn('remixed_from', 'text')
      .addColumn('error', 'text')
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addColumn('completed_at', 'bigint')
      .addColumn('expires_at', 'bigint')
      .addColumn('settled_at', 'bigint')
      .addColumn('cost', 'bigint')
      .addColumn('owner', 'text', (column) => column.notNull())
      .addColumn('heartbeat_at', 'bigint', (column) => column.notNull())
      .execute();
    await database.schema.createIndex('video_jobs_organization_created').on('video_jobs').columns(['organization_id', 'created_at']).execute();
    await database.schema.createIndex('video_jobs_unsettled').on('video_jobs').columns(['settled_at', 'heartbeat_at']).execute();
  },
};
