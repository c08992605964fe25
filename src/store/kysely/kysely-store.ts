import { sql, type Insertable, type Kysely, type Selectable, type Transaction, type UpdateObject } from 'kysely';
import type {
  ApiKeyRecord,
  AuthenticatedKey,
  Chatbot,
  ChatbotChanges,
  VideoJob,
  VideoJobChanges,
  ChatbotParameters,
  KeyLimits,
  LedgerEntry,
  Organization,
  OrganizationLimits,
  RequestLogFilter,
  RequestLogging,
  ResponseItem,
  ResponseRecord,
  ResponseUpdate,
  ResponseWrite,
  Store,
  StoredResponseItem,
  UsageFlag,
  UsageRecord,
  UsageSeriesFilter,
  UsageSeriesRow,
  UsageSummaryFilter,
  UsageSummaryRow,
} from '../store.ts';
import { DEFAULT_REQUEST_LOGGING } from '../store.ts';
import type { ApiKeysTable, ChatbotsTable, DatabaseSchema, LedgerEntriesTable, OrganizationsTable, ResponseItemsTable, ResponsesTable, UsageRecordsTable, VideoJobsTable } from './database-schema.ts';
import { migrateToLatest } from './migrate-to-latest.ts';
import type { StoreBackend } from './store-backend.ts';

/** Rows per INSERT: 500 usage rows are 9,500 parameters, under SQLite's 32,766 and PostgreSQL's 65,535. */
const INSERT_CHUNK = 500;

/** How many `previous_response_id` links a chain may have: a bound on one context read. */
const MAX_CHAIN_DEPTH = 10_000;

/** The store, written once for SQLite and PostgreSQL; what differs between them is in the backend. */
export class KyselyStore implements Store {
  private readonly database: Kysely<DatabaseSchema>;

  constructor(private readonly backend: StoreBackend) {
    this.database = backend.database;
  }

  migrate(): Promise<void> {
    return migrateToLatest(this.backend);
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.database);
  }

  close(): Promise<void> {
    return this.backend.close();
  }

  async createOrganization(organization: Organization): Promise<void> {
    await this.database
      .insertInto('organizations')
      .values({
        id: organization.id,
        name: organization.name,
        created_at: organization.createdAt,
        disabled_at: organization.disabledAt,
        limits: JSON.stringify(organization.limits),
        request_logging: JSON.stringify(organization.requestLogging),
      })
      .execute();
  }

  async updateOrganization(id: string, changes: { disabledAt?: string | null; limits?: OrganizationLimits; requestLogging?: RequestLogging }): Promise<Organization | undefined> {
    return this.database.transaction().execute(async (transaction) => {
      const columns: Partial<OrganizationsTable> = {};
      if (changes.disabledAt !== undefined) columns.disabled_at = changes.disabledAt;
      if (changes.limits !== undefined) columns.limits = JSON.stringify(changes.limits);
      if (changes.requestLogging !== undefined) columns.request_logging = JSON.stringify(changes.requestLogging);
      const row = Object.keys(columns).length
        ? await transaction.updateTable('organizations').set(columns).where('id', '=', id).returningAll().executeTakeFirst()
        : await transaction.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) return undefined;
      // Keys carry their organization's state into every instance's key cache.
      const keys = await transaction.selectFrom('api_keys').select('id').where('organization_id', '=', id).orderBy('id').execute();
      for (const key of keys) {
        const version = await this.backend.nextKeyVersion(transaction);
        await transaction.updateTable('api_keys').set({ version }).where('id', '=', key.id).execute();
      }
      return toOrganization(row);
    });
  }

  async findOrganizationByName(name: string): Promise<Organization | undefined> {
    const row = await this.database.selectFrom('organizations').selectAll().where('name', '=', name).executeTakeFirst();
    return row ? toOrganization(row) : undefined;
  }

  async listOrganizations(): Promise<Organization[]> {
    const rows = await this.database.selectFrom('organizations').selectAll().orderBy('created_at').orderBy('name').execute();
    return rows.map(toOrganization);
  }

  async createApiKey(key: Omit<ApiKeyRecord, 'version'>): Promise<ApiKeyRecord> {
    return this.database.transaction().execute(async (transaction) => {
      const version = await this.backend.nextKeyVersion(transaction);
      await transaction
        .insertInto('api_keys')
        .values({
          id: key.id,
          organization_id: key.organizationId,
          name: key.name,
          prefix: key.prefix,
          hash: key.hash,
          created_at: key.createdAt,
          revoked_at: key.revokedAt,
          expires_at: key.expiresAt,
          allowed_models: key.allowedModels ? JSON.stringify(key.allowedModels) : null,
          limits: JSON.stringify(key.limits),
          version,
        })
        .execute();
      return { ...key, version };
    });
  }

  async listApiKeys(organizationId?: string): Promise<ApiKeyRecord[]> {
    let query = this.database.selectFrom('api_keys').selectAll().orderBy('created_at');
    if (organizationId) query = query.where('organization_id', '=', organizationId);
    return (await query.execute()).map(toApiKey);
  }

  async revokeApiKey(id: string, revokedAt: string): Promise<ApiKeyRecord | undefined> {
    return this.updateKey(id, { revoked_at: sql<string>`coalesce(revoked_at, ${revokedAt})` });
  }

  async updateApiKey(
    id: string,
    changes: { name?: string | null; expiresAt?: string | null; allowedModels?: string[] | null; limits?: KeyLimits },
  ): Promise<ApiKeyRecord | undefined> {
    const columns: Partial<ApiKeysTable> = {};
    if (changes.name !== undefined) columns.name = changes.name;
    if (changes.expiresAt !== undefined) columns.expires_at = changes.expiresAt;
    if (changes.allowedModels !== undefined) columns.allowed_models = changes.allowedModels ? JSON.stringify(changes.allowedModels) : null;
    if (changes.limits !== undefined) columns.limits = JSON.stringify(changes.limits);
    return this.updateKey(id, columns);
  }

  async listApiKeysChangedSince(version: number): Promise<AuthenticatedKey[]> {
    const rows = await this.authenticatedKeys().where('k.version', '>', version).orderBy('k.version').execute();
    return rows.map(toAuthenticatedKey);
  }

  async findAuthenticatedKey(id: string): Promise<AuthenticatedKey | undefined> {
    const row = await this.authenticatedKeys().where('k.id', '=', id).executeTakeFirst();
    return row ? toAuthenticatedKey(row) : undefined;
  }

  /** Keys with their organization's name, state, limits and logging. */
  private authenticatedKeys() {
    return this.database
      .selectFrom('api_keys as k')
      .innerJoin('organizations as o', 'o.id', 'k.organization_id')
      .selectAll('k')
      .select(['o.name as organization_name', 'o.disabled_at as organization_disabled_at', 'o.limits as organization_limits', 'o.request_logging as organization_request_logging']);
  }

  async insertUsageRecords(records: UsageRecord[], debits: LedgerEntry[] = []): Promise<void> {
    if (records.length === 0 && debits.length === 0) return;
    if (this.backend.insertUsageRows) return this.backend.insertUsageRows(records.map(toUsageRow), debits.map(toLedgerRow));
    await this.database.transaction().execute(async (transaction) => {
      for (let start = 0; start < records.length; start += INSERT_CHUNK) {
        // DO NOTHING: a batch retried after a failed flush must not count a request twice.
        await transaction
          .insertInto('usage_records')
          .values(records.slice(start, start + INSERT_CHUNK).map(toUsageRow))
          .onConflict((conflict) => conflict.column('request_id').doNothing())
          .execute();
      }
      await insertLedgerEntries(transaction, debits);
    });
  }

  async listUsageRecords(filter: { organizationId?: string; limit?: number } = {}): Promise<UsageRecord[]> {
    let query = this.database.selectFrom('usage_records').selectAll().orderBy('created_at', 'desc').limit(filter.limit ?? 1_000);
    if (filter.organizationId) query = query.where('organization_id', '=', filter.organizationId);
    return (await query.execute()).map(toUsageRecord);
  }

  async listRequests(filter: RequestLogFilter): Promise<UsageRecord[]> {
    let query = this.database
      .selectFrom('usage_records')
      .select(USAGE_COLUMNS)
      .select(sql<number>`case when request_body is null and response_body is null then 0 else 1 end`.as('has_bodies'))
      .orderBy('created_at', 'desc')
      .orderBy('request_id', 'desc')
      .limit(filter.limit);
    if (filter.organizationId) query = query.where('organization_id', '=', filter.organizationId);
    if (filter.apiKeyId) query = query.where('api_key_id', '=', filter.apiKeyId);
    if (filter.model) query = query.where('model', '=', filter.model);
    if (filter.status) query = query.where('status', '>=', filter.status.min).where('status', '<=', filter.status.max);
    if (filter.from !== undefined) query = query.where('created_at', '>=', filter.from);
    if (filter.to !== undefined) query = query.where('created_at', '<', filter.to);
    const after = filter.after;
    if (after) {
      query = query.where((where) =>
        where.or([where('created_at', '<', after.createdAt), where.and([where('created_at', '=', after.createdAt), where('request_id', '<', after.requestId)])]),
      );
    }
    return (await query.execute()).map((row) => ({ ...toUsageRecord({ ...row, request_body: null, response_body: null }), hasBodies: row.has_bodies === 1 }));
  }

  async findRequest(requestId: string, organizationId?: string): Promise<UsageRecord | undefined> {
    let query = this.database.selectFrom('usage_records').selectAll().where('request_id', '=', requestId);
    if (organizationId) query = query.where('organization_id', '=', organizationId);
    const row = await query.executeTakeFirst();
    return row ? { ...toUsageRecord(row), hasBodies: row.request_body !== null || row.response_body !== null } : undefined;
  }

  async usageSeries(filter: UsageSeriesFilter): Promise<UsageSeriesRow[]> {
    // Integer arithmetic on Unix milliseconds: the same bucket on SQLite and PostgreSQL, UTC-aligned.
    // A literal, not a parameter: PostgreSQL groups by the select's expression only when both are the same text.
    if (!Number.isSafeInteger(filter.bucketMs) || filter.bucketMs <= 0) throw new Error(`a bucket is a positive whole number of milliseconds (got ${filter.bucketMs})`);
    const bucket = sql<number>`(created_at / ${sql.lit(filter.bucketMs)}) * ${sql.lit(filter.bucketMs)}`;
    const groupColumn = filter.groupBy && { model: 'model', key: 'api_key_id', organization: 'organization_id' }[filter.groupBy];
    let query = this.database
      .selectFrom('usage_records')
      .select([
        bucket.as('bucketStart'),
        sql<number>`count(*)`.as('requests'),
        sql<number>`coalesce(sum(case when status >= 400 then 1 else 0 end), 0)`.as('errors'),
        sql<number>`coalesce(sum(prompt_tokens), 0)`.as('promptTokens'),
        sql<number>`coalesce(sum(completion_tokens), 0)`.as('completionTokens'),
        sql<number>`coalesce(sum(cost), 0)`.as('cost'),
        sql<number>`coalesce(sum(latency_ms), 0)`.as('latencyMsTotal'),
        sql<number>`count(time_to_first_token_ms)`.as('firstTokenCount'),
        sql<number>`coalesce(sum(time_to_first_token_ms), 0)`.as('timeToFirstTokenMsTotal'),
      ])
      .where('created_at', '>=', filter.from)
      .where('created_at', '<', filter.to)
      .groupBy(bucket)
      .orderBy(bucket);
    if (groupColumn) query = query.select(sql.ref<string>(groupColumn).as('group')).groupBy(sql.ref(groupColumn)).orderBy(sql.ref(groupColumn));
    if (filter.organizationId) query = query.where('organization_id', '=', filter.organizationId);
    if (filter.apiKeyId) query = query.where('api_key_id', '=', filter.apiKeyId);
    if (filter.model) query = query.where('model', '=', filter.model);
    // PostgreSQL's count(*) and sums are int8/numeric: the backend reads them as numbers already.
    return (await query.execute()).map((row) => ({ ...row, bucketStart: Number(row.bucketStart) })) as UsageSeriesRow[];
  }

  async expireRequestBodies(now: number): Promise<number> {
    const result = await this.database
      .updateTable('usage_records')
      .set({ request_body: null, response_body: null, bodies_expire_at: null })
      .where('bodies_expire_at', 'is not', null)
      .where('bodies_expire_at', '<', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async deleteUsageRecordsBefore(before: number): Promise<number> {
    const result = await this.database.deleteFrom('usage_records').where('created_at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async summarizeUsage(filter: UsageSummaryFilter): Promise<UsageSummaryRow[]> {
    const groups = {
      day: this.backend.utcDayOfCreatedAt,
      model: sql.ref<string>('model'),
      key: sql.ref<string>('api_key_id'),
      organization: sql.ref<string>('organization_id'),
    };
    const names = { day: 'day', model: 'model', key: 'apiKeyId', organization: 'organizationId' } as const;
    let query = this.database
      .selectFrom('usage_records')
      .select((expression) => [
        ...filter.groupBy.map((group) => groups[group].as(names[group])),
        expression.fn.countAll<number>().as('requests'),
        sql<number>`coalesce(sum(prompt_tokens), 0)`.as('promptTokens'),
        sql<number>`coalesce(sum(completion_tokens), 0)`.as('completionTokens'),
        sql<number>`coalesce(sum(cost), 0)`.as('cost'),
        sql<number>`coalesce(sum(case when usage_flag is null then 0 else 1 end), 0)`.as('flaggedRequests'),
      ]);
    if (filter.organizationId) query = query.where('organization_id', '=', filter.organizationId);
    if (filter.from) query = query.where('created_at', '>=', Date.parse(filter.from));
    if (filter.to) query = query.where('created_at', '<', Date.parse(filter.to));
    for (const group of filter.groupBy) query = query.groupBy(groups[group]);
    if (filter.groupBy.includes('day')) query = query.orderBy(sql.ref('day'), 'desc');
    const rows = await query.orderBy(sql.ref('requests'), 'desc').execute();
    return rows as UsageSummaryRow[];
  }

  async appendLedgerEntries(entries: LedgerEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.database.transaction().execute((transaction) => insertLedgerEntries(transaction, entries));
  }

  async listLedgerEntries(filter: { organizationId?: string; limit?: number }): Promise<LedgerEntry[]> {
    let query = this.database.selectFrom('ledger_entries').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit ?? 1_000);
    if (filter.organizationId) query = query.where('organization_id', '=', filter.organizationId);
    return (await query.execute()).map(toLedgerEntry);
  }

  async listBalances(): Promise<Map<string, number>> {
    if (this.backend.listBalances) return this.backend.listBalances();
    const rows = await this.database
      .selectFrom('ledger_entries')
      .select(['organization_id', sql<number>`sum(amount)`.as('balance')])
      .groupBy('organization_id')
      .execute();
    return new Map(rows.map((row) => [row.organization_id, row.balance]));
  }

  async keySpend(apiKeyId: string, since: string): Promise<{ lifetime: number; sinceStart: number }> {
    const row = await this.database
      .selectFrom('ledger_entries')
      .select([
        sql<number>`coalesce(-sum(amount), 0)`.as('lifetime'),
        sql<number>`coalesce(-sum(case when created_at >= ${since} then amount else 0 end), 0)`.as('since_start'),
      ])
      .where('api_key_id', '=', apiKeyId)
      .where('kind', '=', 'debit')
      .executeTakeFirstOrThrow();
    return { lifetime: row.lifetime, sinceStart: row.since_start };
  }

  async insertResponseRecord(record: ResponseRecord, items: ResponseItem[] = []): Promise<void> {
    await this.database.transaction().execute((transaction) => insertResponse(transaction, record, items));
  }

  async writeResponses(writes: ResponseWrite[]): Promise<void> {
    if (writes.length === 0) return;
    // A few statements for the whole batch: the new responses in one insert, then every item (a
    // retried response's items only when its row is new), in chunks.
    const inserts = writes.filter((write) => write.kind === 'insert');
    await this.database.transaction().execute(async (transaction) => {
      const inserted = new Set<string>();
      for (let start = 0; start < inserts.length; start += INSERT_CHUNK) {
        const rows = inserts.slice(start, start + INSERT_CHUNK).map((write) => toResponseRow(write.record));
        const returned = await transaction.insertInto('responses').values(rows).onConflict((conflict) => conflict.column('id').doNothing()).returning('id').execute();
        for (const row of returned) inserted.add(row.id);
      }
      const items = writes.flatMap((write) => {
        if (write.kind === 'insert') return inserted.has(write.record.id) ? write.items.map((item) => toItemRow(write.record.id, write.record.organizationId, item)) : [];
        return write.items.map((item) => toItemRow(write.responseId, write.organizationId, item));
      });
      for (let start = 0; start < items.length; start += INSERT_CHUNK) {
        await transaction.insertInto('response_items').values(items.slice(start, start + INSERT_CHUNK)).onConflict((conflict) => conflict.columns(['response_id', 'kind', 'position']).doNothing()).execute();
      }
    });
  }

  async findResponseRecord(id: string): Promise<ResponseRecord | undefined> {
    const row = await this.database.selectFrom('responses').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toResponseRecord(row) : undefined;
  }

  async addResponseItems(responseId: string, organizationId: string, items: ResponseItem[]): Promise<void> {
    await insertItems(this.database, responseId, organizationId, items);
  }

  async updateResponse(id: string, fields: ResponseUpdate, whileStatusIn?: string[]): Promise<boolean> {
    const set: UpdateObject<DatabaseSchema, 'responses'> = {};
    if (fields.status !== undefined) set.status = fields.status;
    if (fields.body !== undefined) set.body = fields.body;
    if (fields.heartbeatAt !== undefined) set.heartbeat_at = fields.heartbeatAt;
    if (fields.usageRecordedAt !== undefined) set.usage_recorded_at = fields.usageRecordedAt;
    let update = this.database.updateTable('responses').set(set).where('id', '=', id);
    if (whileStatusIn) update = update.where('status', 'in', whileStatusIn);
    const result = await update.executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async findResponseItems(organizationId: string, itemIds: string[]): Promise<StoredResponseItem[]> {
    if (itemIds.length === 0) return [];
    const rows = await this.database
      .selectFrom('response_items as i')
      .innerJoin('responses as r', 'r.id', 'i.response_id')
      .select(['i.response_id', 'i.kind', 'i.position', 'i.item_id', 'i.item', 'r.holder', 'r.created_at'])
      .where('i.organization_id', '=', organizationId)
      .where('i.item_id', 'in', [...new Set(itemIds)])
      .orderBy('r.created_at', 'desc')
      .execute();
    // The latest copy of each id: an output item echoed back as input is stored twice.
    const latest = new Map<string, StoredResponseItem>();
    for (const row of rows) if (!latest.has(row.item_id)) latest.set(row.item_id, toStoredItem(row));
    return [...latest.values()];
  }

  async listResponseContext(organizationId: string, responseId: string): Promise<StoredResponseItem[]> {
    // The chain, newest first (depth 0 is the response itself), bounded so a cycle cannot loop.
    const result = await sql<{ response_id: string; holder: ResponseRecord['holder']; kind: 'input' | 'output'; position: number; item_id: string; item: string }>`
      with recursive chain(id, previous_response_id, holder, depth) as (
        select id, previous_response_id, holder, 0 from responses where id = ${responseId} and organization_id = ${organizationId}
        union all
        select r.id, r.previous_response_id, r.holder, chain.depth + 1 from responses r
          join chain on r.id = chain.previous_response_id
          where r.organization_id = ${organizationId} and chain.depth < ${MAX_CHAIN_DEPTH}
      )
      select i.response_id, chain.holder, i.kind, i.position, i.item_id, i.item
        from chain join response_items i on i.response_id = chain.id
        order by chain.depth desc, i.kind asc, i.position asc`.execute(this.database);
    return result.rows.map(toStoredItem);
  }

  async listStalledResponses(heartbeatBefore: number): Promise<ResponseRecord[]> {
    const rows = await this.database
      .selectFrom('responses')
      .selectAll()
      .where('holder', '=', 'gateway')
      .where('status', 'in', ['queued', 'in_progress'])
      .where((where) => where.or([where('heartbeat_at', '<', heartbeatBefore), where('heartbeat_at', 'is', null)]))
      .execute();
    return rows.map(toResponseRecord);
  }

  async deleteResponse(id: string): Promise<void> {
    await this.database.transaction().execute(async (transaction) => {
      await transaction.deleteFrom('response_items').where('response_id', '=', id).execute();
      await transaction.deleteFrom('responses').where('id', '=', id).execute();
    });
  }

  async deleteExpiredResponses(now: number): Promise<number> {
    return this.database.transaction().execute(async (transaction) => {
      const expired = transaction.selectFrom('responses').select('id').where('expires_at', '<', now);
      await transaction.deleteFrom('response_items').where('response_id', 'in', expired).execute();
      const result = await transaction.deleteFrom('responses').where('expires_at', '<', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    });
  }

  async markResponseUsageRecorded(id: string, recordedAt: number): Promise<boolean> {
    // One atomic conditional UPDATE: of two instances polling the same response, exactly one wins.
    const result = await this.database
      .updateTable('responses')
      .set({ usage_recorded_at: recordedAt })
      .where('id', '=', id)
      .where('usage_recorded_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async createChatbot(chatbot: Chatbot): Promise<void> {
    await this.database.insertInto('chatbots').values(toChatbotRow(chatbot)).execute();
  }

  async findChatbot(id: string): Promise<Chatbot | undefined> {
    const row = await this.database.selectFrom('chatbots').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toChatbot(row) : undefined;
  }

  async listChatbots(organizationId?: string): Promise<Chatbot[]> {
    let query = this.database.selectFrom('chatbots').selectAll().orderBy('created_at').orderBy('id');
    if (organizationId) query = query.where('organization_id', '=', organizationId);
    return (await query.execute()).map(toChatbot);
  }

  async updateChatbot(id: string, changes: ChatbotChanges): Promise<Chatbot | undefined> {
    const columns: UpdateObject<DatabaseSchema, 'chatbots'> = {};
    if (changes.name !== undefined) columns.name = changes.name;
    if (changes.model !== undefined) columns.model = changes.model;
    if (changes.systemPrompt !== undefined) columns.system_prompt = changes.systemPrompt;
    if (changes.parameters !== undefined) columns.parameters = JSON.stringify(changes.parameters);
    if (changes.fallbacks !== undefined) columns.fallbacks = JSON.stringify(changes.fallbacks);
    if (changes.updatedAt !== undefined) columns.updated_at = changes.updatedAt;
    const row = Object.keys(columns).length
      ? await this.database.updateTable('chatbots').set(columns).where('id', '=', id).returningAll().executeTakeFirst()
      : await this.database.selectFrom('chatbots').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toChatbot(row) : undefined;
  }

  async deleteChatbot(id: string): Promise<Chatbot | undefined> {
    const row = await this.database.deleteFrom('chatbots').where('id', '=', id).returningAll().executeTakeFirst();
    return row ? toChatbot(row) : undefined;
  }

  async createVideoJob(job: VideoJob): Promise<void> {
    await this.database.insertInto('video_jobs').values(toVideoJobRow(job)).execute();
  }

  async findVideoJob(id: string): Promise<VideoJob | undefined> {
    const row = await this.database.selectFrom('video_jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toVideoJob(row) : undefined;
  }

  async listVideoJobs(organizationId: string, page: { after?: VideoJob; limit: number; order: 'asc' | 'desc' }): Promise<VideoJob[]> {
    let query = this.database.selectFrom('video_jobs').selectAll().where('organization_id', '=', organizationId);
    const after = page.after;
    if (after) {
      // Keyset on (created_at, id): a page starts right after the job named, in the order asked.
      const beyond = page.order === 'asc' ? '>' : '<';
      query = query.where((where) => where.or([where('created_at', beyond, after.createdAt), where.and([where('created_at', '=', after.createdAt), where('id', beyond, after.id)])]));
    }
    const rows = await query.orderBy('created_at', page.order).orderBy('id', page.order).limit(page.limit).execute();
    return rows.map(toVideoJob);
  }

  async updateVideoJob(id: string, owner: string, changes: VideoJobChanges): Promise<boolean> {
    const set: UpdateObject<DatabaseSchema, 'video_jobs'> = {};
    if (changes.status !== undefined) set.status = changes.status;
    if (changes.progress !== undefined) set.progress = changes.progress;
    if (changes.error !== undefined) set.error = changes.error === null ? null : JSON.stringify(changes.error);
    if (changes.completedAt !== undefined) set.completed_at = changes.completedAt;
    if (changes.expiresAt !== undefined) set.expires_at = changes.expiresAt;
    if (changes.cost !== undefined) set.cost = changes.cost;
    if (changes.settle !== undefined) set.settled_at = changes.settle;
    const result = await this.database.updateTable('video_jobs').set(set).where('id', '=', id).where('owner', '=', owner).where('settled_at', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async stampVideoJobs(owner: string, ids: string[], now: number): Promise<void> {
    if (ids.length === 0) return;
    await this.database.updateTable('video_jobs').set({ heartbeat_at: now }).where('owner', '=', owner).where('id', 'in', ids).where('settled_at', 'is', null).execute();
  }

  async listStalledVideoJobs(heartbeatBefore: number): Promise<VideoJob[]> {
    const rows = await this.database.selectFrom('video_jobs').selectAll().where('settled_at', 'is', null).where('heartbeat_at', '<', heartbeatBefore).limit(INSERT_CHUNK).execute();
    return rows.map(toVideoJob);
  }

  async takeOverVideoJob(id: string, owner: string, staleHeartbeat: number, now: number): Promise<boolean> {
    const result = await this.database
      .updateTable('video_jobs')
      .set({ owner, heartbeat_at: now })
      .where('id', '=', id)
      .where('settled_at', 'is', null)
      .where('heartbeat_at', '=', staleHeartbeat)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async deleteVideoJob(id: string): Promise<boolean> {
    const result = await this.database.deleteFrom('video_jobs').where('id', '=', id).where('settled_at', 'is not', null).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  /** Changes a key and gives it the next key version, in one transaction. */
  private updateKey(id: string, columns: UpdateObject<DatabaseSchema, 'api_keys'>): Promise<ApiKeyRecord | undefined> {
    return this.database.transaction().execute(async (transaction) => {
      const version = await this.backend.nextKeyVersion(transaction);
      const row = await transaction
        .updateTable('api_keys')
        .set({ ...columns, version })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row ? toApiKey(row) : undefined;
    });
  }
}

/** A request pays once: an entry whose id or request id is already in the ledger is skipped. */
async function insertLedgerEntries(transaction: Transaction<DatabaseSchema>, entries: LedgerEntry[]): Promise<void> {
  for (let start = 0; start < entries.length; start += INSERT_CHUNK) {
    await transaction
      .insertInto('ledger_entries')
      .values(entries.slice(start, start + INSERT_CHUNK).map(toLedgerRow))
      .onConflict((conflict) => conflict.doNothing())
      .execute();
  }
}

function toOrganization(row: Selectable<OrganizationsTable>): Organization {
  return { id: row.id, name: row.name, createdAt: row.created_at, disabledAt: row.disabled_at, limits: JSON.parse(row.limits) as OrganizationLimits, requestLogging: readRequestLogging(row.request_logging) };
}

/** An organization's request logging; rows from before migration 10 have none: the default. */
function readRequestLogging(json: string | null): RequestLogging {
  return json === null ? DEFAULT_REQUEST_LOGGING : { ...DEFAULT_REQUEST_LOGGING, ...(JSON.parse(json) as Partial<RequestLogging>) };
}

/** Every usage record column but the bodies: what the request log lists. */
const USAGE_COLUMNS = [
  'request_id',
  'organization_id',
  'api_key_id',
  'model',
  'provider',
  'surface',
  'status',
  'error_code',
  'streamed',
  'prompt_tokens',
  'cached_prompt_tokens',
  'cache_write_tokens',
  'completion_tokens',
  'reasoning_tokens',
  'latency_ms',
  'time_to_first_token_ms',
  'cost',
  'created_at',
  'usage_flag',
  'deployment',
  'bodies_expire_at',
  'units',
  'unit',
  'unit_variant',
] as const;

function toApiKey(row: Selectable<ApiKeysTable>): ApiKeyRecord {
  return {
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    prefix: row.prefix,
    hash: row.hash,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    expiresAt: row.expires_at,
    allowedModels: row.allowed_models ? (JSON.parse(row.allowed_models) as string[]) : null,
    limits: JSON.parse(row.limits) as KeyLimits,
    version: row.version,
  };
}

function toLedgerRow(entry: LedgerEntry): LedgerEntriesTable {
  return {
    id: entry.id,
    organization_id: entry.organizationId,
    api_key_id: entry.apiKeyId,
    amount: entry.amount,
    kind: entry.kind,
    reason: entry.reason,
    request_id: entry.requestId,
    created_at: entry.createdAt,
  };
}

function toLedgerEntry(row: Selectable<LedgerEntriesTable>): LedgerEntry {
  return {
    id: row.id,
    organizationId: row.organization_id,
    apiKeyId: row.api_key_id,
    amount: row.amount,
    kind: row.kind,
    reason: row.reason,
    requestId: row.request_id,
    createdAt: row.created_at,
  };
}

function toUsageRow(record: UsageRecord): UsageRecordsTable {
  return {
    request_id: record.requestId,
    organization_id: record.organizationId,
    api_key_id: record.apiKeyId,
    model: record.model,
    provider: record.provider,
    surface: record.surface,
    status: record.status,
    error_code: record.errorCode,
    streamed: record.streamed ? 1 : 0,
    prompt_tokens: record.promptTokens,
    cached_prompt_tokens: record.cachedPromptTokens,
    cache_write_tokens: record.cacheWriteTokens,
    completion_tokens: record.completionTokens,
    reasoning_tokens: record.reasoningTokens,
    latency_ms: record.latencyMs,
    time_to_first_token_ms: record.timeToFirstTokenMs,
    cost: record.cost,
    created_at: record.createdAt,
    usage_flag: record.usageFlag ?? null,
    deployment: record.deployment ?? null,
    request_body: record.requestBody ?? null,
    response_body: record.responseBody ?? null,
    bodies_expire_at: record.bodiesExpireAt ?? null,
    units: record.units?.count ?? null,
    unit: record.units?.unit ?? null,
    unit_variant: record.units?.variant ?? null,
  };
}

function toUsageRecord(row: Selectable<UsageRecordsTable>): UsageRecord {
  return {
    requestId: row.request_id,
    organizationId: row.organization_id,
    apiKeyId: row.api_key_id,
    model: row.model,
    provider: row.provider,
    surface: row.surface as UsageRecord['surface'],
    status: row.status,
    errorCode: row.error_code,
    streamed: row.streamed === 1,
    promptTokens: row.prompt_tokens,
    cachedPromptTokens: row.cached_prompt_tokens,
    cacheWriteTokens: row.cache_write_tokens,
    completionTokens: row.completion_tokens,
    reasoningTokens: row.reasoning_tokens,
    latencyMs: row.latency_ms,
    timeToFirstTokenMs: row.time_to_first_token_ms,
    cost: row.cost,
    createdAt: row.created_at,
    usageFlag: (row.usage_flag as UsageFlag | null) ?? null,
    deployment: row.deployment,
    // Bodies only where an organization keeps them: a record without has none, not nulls.
    ...(row.request_body !== null && { requestBody: row.request_body }),
    ...(row.response_body !== null && { responseBody: row.response_body }),
    ...(row.bodies_expire_at !== null && { bodiesExpireAt: row.bodies_expire_at }),
    ...(row.units !== null && { units: { unit: row.unit ?? '', variant: row.unit_variant ?? 'default', count: row.units } }),
  };
}

function toResponseRecord(row: Selectable<ResponsesTable>): ResponseRecord {
  return {
    id: row.id,
    organizationId: row.organization_id,
    apiKeyId: row.api_key_id,
    provider: row.provider,
    model: row.model,
    createdAt: row.created_at,
    usageRecordedAt: row.usage_recorded_at,
    holder: row.holder,
    previousResponseId: row.previous_response_id,
    expiresAt: row.expires_at ?? Number.MAX_SAFE_INTEGER,
    status: row.status,
    body: row.body,
    heartbeatAt: row.heartbeat_at,
    deployment: row.deployment,
  };
}

function toAuthenticatedKey(row: Selectable<ApiKeysTable> & { organization_name: string; organization_disabled_at: string | null; organization_limits: string; organization_request_logging: string | null }): AuthenticatedKey {
  return {
    ...toApiKey(row),
    organizationName: row.organization_name,
    organizationDisabledAt: row.organization_disabled_at,
    organizationLimits: JSON.parse(row.organization_limits) as OrganizationLimits,
    organizationRequestLogging: readRequestLogging(row.organization_request_logging),
  };
}

function toVideoJobRow(job: VideoJob): VideoJobsTable {
  return {
    id: job.id,
    organization_id: job.organizationId,
    api_key_id: job.apiKeyId,
    request_id: job.requestId,
    model: job.model,
    provider: job.provider,
    deployment: job.deployment,
    upstream_id: job.upstreamId,
    status: job.status,
    progress: job.progress,
    prompt: job.prompt,
    seconds: job.seconds,
    size: job.size,
    remixed_from: job.remixedFrom,
    error: job.error === null ? null : JSON.stringify(job.error),
    created_at: job.createdAt,
    completed_at: job.completedAt,
    expires_at: job.expiresAt,
    settled_at: job.settledAt,
    cost: job.cost,
    owner: job.owner,
    heartbeat_at: job.heartbeatAt,
  };
}

function toVideoJob(row: Selectable<VideoJobsTable>): VideoJob {
  const number = (value: number | string | null) => (value === null ? null : Number(value));
  return {
    id: row.id,
    organizationId: row.organization_id,
    apiKeyId: row.api_key_id,
    requestId: row.request_id,
    model: row.model,
    provider: row.provider,
    deployment: row.deployment,
    upstreamId: row.upstream_id,
    status: row.status as VideoJob['status'],
    progress: Number(row.progress),
    prompt: row.prompt,
    seconds: Number(row.seconds),
    size: row.size,
    remixedFrom: row.remixed_from,
    error: row.error === null ? null : (JSON.parse(row.error) as VideoJob['error']),
    createdAt: Number(row.created_at),
    completedAt: number(row.completed_at),
    expiresAt: number(row.expires_at),
    settledAt: number(row.settled_at),
    cost: number(row.cost),
    owner: row.owner,
    heartbeatAt: Number(row.heartbeat_at),
  };
}

function toChatbotRow(chatbot: Chatbot): ChatbotsTable {
  return {
    id: chatbot.id,
    organization_id: chatbot.organizationId,
    name: chatbot.name,
    model: chatbot.model,
    system_prompt: chatbot.systemPrompt,
    parameters: JSON.stringify(chatbot.parameters),
    fallbacks: JSON.stringify(chatbot.fallbacks),
    created_at: chatbot.createdAt,
    updated_at: chatbot.updatedAt,
  };
}

function toChatbot(row: Selectable<ChatbotsTable>): Chatbot {
  return {
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    model: row.model,
    systemPrompt: row.system_prompt,
    parameters: JSON.parse(row.parameters) as ChatbotParameters,
    fallbacks: JSON.parse(row.fallbacks) as string[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toStoredItem(row: { response_id: string; holder: ResponseRecord['holder']; kind: 'input' | 'output'; position: number; item_id: string; item: string }): StoredResponseItem {
  return { responseId: row.response_id, holder: row.holder, kind: row.kind, position: Number(row.position), itemId: row.item_id, item: row.item };
}

/** A response's row and, when it is new (not a retried write), its items. */
async function insertResponse(database: Kysely<DatabaseSchema>, record: ResponseRecord, items: ResponseItem[]): Promise<void> {
  const inserted = await database.insertInto('responses').values(toResponseRow(record)).onConflict((conflict) => conflict.column('id').doNothing()).executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) await insertItems(database, record.id, record.organizationId, items);
}

function toResponseRow(record: ResponseRecord): Insertable<ResponsesTable> {
  return {
    id: record.id,
    organization_id: record.organizationId,
    api_key_id: record.apiKeyId,
    provider: record.provider,
    model: record.model,
    created_at: record.createdAt,
    usage_recorded_at: record.usageRecordedAt,
    holder: record.holder,
    previous_response_id: record.previousResponseId,
    expires_at: record.expiresAt,
    status: record.status,
    body: record.body,
    heartbeat_at: record.heartbeatAt,
    deployment: record.deployment ?? null,
  };
}

function toItemRow(responseId: string, organizationId: string, item: ResponseItem): Insertable<ResponseItemsTable> {
  return { response_id: responseId, kind: item.kind, position: item.position, organization_id: organizationId, item_id: item.itemId, item: item.item };
}

async function insertItems(database: Kysely<DatabaseSchema>, responseId: string, organizationId: string, items: ResponseItem[]): Promise<void> {
  const rows = items.map((item) => toItemRow(responseId, organizationId, item));
  for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
    await database.insertInto('response_items').values(rows.slice(start, start + INSERT_CHUNK)).onConflict((conflict) => conflict.columns(['response_id', 'kind', 'position']).doNothing()).execute();
  }
}
