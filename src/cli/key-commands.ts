import type { Command, Option } from 'commander';
import type { ApiKeyRecord } from '../store/store.ts';
import { describeLimits } from './describe-limits.ts';
import { parseBudgetOption, parseExpiryOption, parseLimitOption, parseModelListOption, settingOf, type Removable } from './parse-option-values.ts';
import { withAccountServices } from './with-account-services.ts';

interface KeySettingOptions {
  name?: string;
  expires?: Removable<string>;
  models?: Removable<string[]>;
  rpm?: Removable<number>;
  tpm?: Removable<number>;
  concurrency?: Removable<number>;
  budget?: Removable<number>;
  monthlyBudget?: Removable<number>;
  config?: string;
}

/** `switchyard keys create|list|update|revoke`. */
export function registerKeyCommands(program: Command, configOption: Option): void {
  const keys = program.command('keys').description("manage API keys: create (the key is shown once), list, update a key's settings, revoke");
  withKeySettings(
    keys
      .command('create')
      .description('create an API key with optional expiry, allowed models and limits; the key is printed once, alone on the last line')
      .requiredOption('--org <name>', 'organization the key belongs to'),
  )
    .addOption(configOption)
    .action((options: KeySettingOptions & { org: string }) =>
      withAccountServices(options, async (services) => {
        const { key, secret } = await services.accounts.createApiKey(options.org, options.name, {
          expiresAt: settingOf(options.expires),
          allowedModels: settingOf(options.models),
          limits: limitsOf(options),
        });
        console.log(`Created key ${key.id} (${key.prefix}…) for organization '${options.org}'. Store it now: it is not shown again.`);
        console.log(describeKey(key));
        console.log(secret);
      }),
    );
  keys
    .command('list')
    .description('list API keys: id, prefix (secrets are never stored), name, creation time, state')
    .option('--org <name>', 'only this organization')
    .addOption(configOption)
    .action((options: { org?: string; config?: string }) =>
      withAccountServices(options, async (services) => {
        const now = Date.now();
        for (const key of await services.accounts.listApiKeys(options.org)) {
          const state = key.revokedAt ? `revoked ${key.revokedAt}` : key.expiresAt && Date.parse(key.expiresAt) <= now ? `expired ${key.expiresAt}` : 'active';
          console.log(`${key.id}\t${key.prefix}…\t${key.name ?? ''}\t${key.createdAt}\t${state}`);
        }
      }),
    );
  withKeySettings(
    keys
      .command('update <id>')
      .description("change a key's name, expiry, allowed models or limits; options left out stay as they are, and a running server sees the change within a second"),
    { clearing: true },
  )
    .addOption(configOption)
    .action((id: string, options: KeySettingOptions) =>
      withAccountServices(options, async (services) => {
        const key = await services.accounts.updateApiKey(id, {
          name: options.name,
          expiresAt: settingOf(options.expires),
          allowedModels: settingOf(options.models),
          limits: limitsOf(options),
        });
        console.log(`Updated ${key.id} (${key.prefix}…)`);
        console.log(describeKey(key));
      }),
    );
  keys
    .command('revoke <id>')
    .description('revoke an API key by its id (key_…); a running server refuses it within a second')
    .addOption(configOption)
    .action((id: string, options: { config?: string }) =>
      withAccountServices(options, async (services) => {
        const key = await services.accounts.revokeApiKey(id);
        console.log(`Revoked ${key.id} (${key.prefix}…)`);
      }),
    );
}

/** The options `keys create` and `keys update` share; `update` also takes the words that remove a setting. */
function withKeySettings(command: Command, options: { clearing?: boolean } = {}): Command {
  const none = options.clearing ? ', or none to remove it' : '';
  return command
    .option('--name <label>', 'a label to recognise the key by')
    .option('--expires <when>', `expiry: an ISO 8601 time or a duration from now (30d, 12h, 90m)${options.clearing ? ', or never' : ''}`, parseExpiryOption)
    .option('--models <ids>', `the only models the key may call, separated by commas${options.clearing ? ', or all' : ''}`, parseModelListOption)
    .option('--rpm <n>', `requests per minute${none}`, parseLimitOption)
    .option('--tpm <n>', `tokens (prompt + completion) per minute${none}`, parseLimitOption)
    .option('--concurrency <n>', `requests in flight at once${none}`, parseLimitOption)
    .option('--budget <credits>', `most credits the key may ever spend${none}`, parseBudgetOption)
    .option('--monthly-budget <credits>', `most credits the key may spend per calendar month (UTC)${none}`, parseBudgetOption);
}

function limitsOf(options: KeySettingOptions) {
  return {
    requestsPerMinute: settingOf(options.rpm),
    tokensPerMinute: settingOf(options.tpm),
    concurrentRequests: settingOf(options.concurrency),
    lifetimeBudget: settingOf(options.budget),
    monthlyBudget: settingOf(options.monthlyBudget),
  };
}

function describeKey(key: ApiKeyRecord): string {
  return [
    `Name: ${key.name ?? '(none)'}`,
    `Expires: ${key.expiresAt ?? 'never'}`,
    `Models: ${key.allowedModels ? key.allowedModels.join(', ') : 'all'}`,
    `Limits: ${describeLimits(key.limits, { budgets: true })}`,
  ].join('\n');
}
