import type { Command, Option } from 'commander';
import { describeLimits } from './describe-limits.ts';
import { parseLimitOption, settingOf, type Removable } from './parse-option-values.ts';
import { withAccountServices } from './with-account-services.ts';

interface LimitOptions {
  rpm?: Removable<number>;
  tpm?: Removable<number>;
  concurrency?: Removable<number>;
}

/** `switchyard orgs create|list|disable|enable|limits`. */
export function registerOrganizationCommands(program: Command, configOption: Option): void {
  const orgs = program.command('orgs').description('manage organizations (tenants): create, list, disable or enable, set limits');
  orgs
    .command('create <name>')
    .description('create an organization')
    .addOption(configOption)
    .action((name: string, options: { config?: string }) =>
      withAccountServices(options, async (services) => {
        const organization = await services.accounts.createOrganization(name);
        console.log(`${organization.id}\t${organization.name}`);
      }),
    );
  orgs
    .command('list')
    .description('list organizations: id, name, creation time, and "disabled" for disabled ones')
    .addOption(configOption)
    .action((options: { config?: string }) =>
      withAccountServices(options, async (services) => {
        for (const organization of await services.accounts.listOrganizations()) {
          console.log(`${organization.id}\t${organization.name}\t${organization.createdAt}${organization.disabledAt ? '\tdisabled' : ''}`);
        }
      }),
    );
  orgs
    .command('disable <name>')
    .description("disable an organization: every request with any of its keys is refused (403) until it is enabled again; a running server sees it within a second")
    .addOption(configOption)
    .action((name: string, options: { config?: string }) =>
      withAccountServices(options, async (services) => {
        const organization = await services.accounts.updateOrganization(name, { disabled: true });
        console.log(`Disabled organization '${organization.name}' (since ${organization.disabledAt}): its requests are refused until 'switchyard orgs enable ${organization.name}'.`);
      }),
    );
  orgs
    .command('enable <name>')
    .description('enable a disabled organization again')
    .addOption(configOption)
    .action((name: string, options: { config?: string }) =>
      withAccountServices(options, async (services) => {
        const organization = await services.accounts.updateOrganization(name, { disabled: false });
        console.log(`Enabled organization '${organization.name}'.`);
      }),
    );
  orgs
    .command('limits <name>')
    .description("set an organization's limits across all its keys (each option a whole number, or none to remove it; options left out stay as they are) and print them; without options, only print them")
    .option('--rpm <n>', 'requests per minute', parseLimitOption)
    .option('--tpm <n>', 'tokens (prompt + completion) per minute', parseLimitOption)
    .option('--concurrency <n>', 'requests in flight at once', parseLimitOption)
    .addOption(configOption)
    .action((name: string, options: LimitOptions & { config?: string }) =>
      withAccountServices(options, async (services) => {
        const limits = { requestsPerMinute: settingOf(options.rpm), tokensPerMinute: settingOf(options.tpm), concurrentRequests: settingOf(options.concurrency) };
        const changed = Object.values(limits).some((value) => value !== undefined);
        const organization = changed ? await services.accounts.updateOrganization(name, { limits }) : await services.accounts.requireOrganization(name);
        console.log(`Limits of '${organization.name}': ${describeLimits(organization.limits, { budgets: false })}`);
      }),
    );
}
