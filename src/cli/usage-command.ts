import type { Command, Option } from 'commander';
import { formatMicros } from '../core/format-micros.ts';
import type { UsageGroup } from '../usage/parse-usage-groups.ts';
import { parseTimeOption, parseUsageGroupsOption } from './parse-option-values.ts';
import { withAccountServices } from './with-account-services.ts';

/** `switchyard usage`: request, token and credit totals from the store, as a tab-separated table under a header line. */
export function registerUsageCommand(program: Command, configOption: Option): void {
  program
    .command('usage')
    .description('print usage totals (requests, prompt and completion tokens, credits spent) grouped by day, model, key and/or organization, newest day first')
    .option('--org <name>', 'only this organization (every organization when left out)')
    .option('--group-by <groups>', 'any of day, model, key, organization, separated by commas', parseUsageGroupsOption, ['day'] as UsageGroup[])
    .option('--from <time>', 'from this ISO date or time (inclusive)', parseTimeOption)
    .option('--to <time>', 'until this ISO date or time (exclusive)', parseTimeOption)
    .addOption(configOption)
    .action((options: { org?: string; groupBy: UsageGroup[]; from?: string; to?: string; config?: string }) =>
      withAccountServices(options, async (services) => {
        const rows = await services.accounts.summarizeUsage({ organizationName: options.org, groupBy: options.groupBy, from: options.from, to: options.to });
        const names = new Map((await services.accounts.listOrganizations()).map((organization) => [organization.id, organization.name]));
        console.log([...options.groupBy, 'requests', 'prompt_tokens', 'completion_tokens', 'credits', 'flagged'].join('\t'));
        for (const row of rows) {
          const groups = options.groupBy.map((group) => {
            switch (group) {
              case 'day':
                return row.day;
              case 'model':
                return row.model;
              case 'key':
                return row.apiKeyId;
              case 'organization':
                return names.get(row.organizationId ?? '') ?? row.organizationId;
            }
          });
          console.log([...groups, row.requests, row.promptTokens, row.completionTokens, formatMicros(row.cost), row.flaggedRequests].join('\t'));
        }
      }),
    );
}
