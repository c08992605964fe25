import type { Command, Option } from 'commander';
import { formatMicros } from '../core/format-micros.ts';
import { parseCreditsOption } from './parse-option-values.ts';
import { withAccountServices } from './with-account-services.ts';

const RECENT_LEDGER_ENTRIES = '20';

/** `switchyard credits add|show`. */
export function registerCreditCommands(program: Command, configOption: Option): void {
  const credits = program.command('credits').description("top up an organization's credits and show its balance and ledger (1 credit = 1 USD of provider list price)");
  credits
    .command('add')
    .description("add credits to an organization's balance: a top-up entry in its ledger, with an optional reason")
    .requiredOption('--org <name>', 'organization to top up')
    .requiredOption('--amount <credits>', 'credits to add, a decimal such as 12.5 (at most 6 decimals)', parseCreditsOption)
    .option('--reason <text>', 'why, kept in the ledger (an invoice number, a grant)')
    .addOption(configOption)
    .action((options: { org: string; amount: number; reason?: string; config?: string }) =>
      withAccountServices(options, async (services) => {
        const { entry, balance } = await services.accounts.addCredits(options.org, options.amount, options.reason);
        console.log(`Added ${formatMicros(entry.amount)} credits to '${options.org}' (${entry.id}). Balance: ${formatMicros(balance)} credits.`);
      }),
    );
  credits
    .command('show')
    .description("print an organization's balance, then its most recent ledger entries (time, kind, amount, reason or request id)")
    .requiredOption('--org <name>', 'organization')
    .option('--limit <n>', 'how many ledger entries', RECENT_LEDGER_ENTRIES)
    .addOption(configOption)
    .action((options: { org: string; limit: string; config?: string }) =>
      withAccountServices(options, async (services) => {
        const balance = await services.accounts.balance(options.org);
        console.log(`Balance of '${options.org}': ${formatMicros(balance)} credits (${balance} micro-credits)`);
        const limit = Number(options.limit);
        const entries = await services.accounts.listLedger({ organizationName: options.org, limit: Number.isSafeInteger(limit) && limit > 0 ? limit : Number(RECENT_LEDGER_ENTRIES) });
        for (const entry of entries) {
          console.log(`${entry.createdAt}\t${entry.kind}\t${formatMicros(entry.amount)}\t${entry.reason ?? entry.requestId ?? ''}`);
        }
      }),
    );
}
