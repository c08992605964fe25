import { Command, Option } from 'commander';
import { AccountError } from '../accounts/account-service.ts';
import { ConfigError } from '../config/config-error.ts';
import { runServe } from './run-serve.ts';
import { withSwitchyard } from './with-switchyard.ts';

const program = new Command('switchyard')
  .description('Self-hosted LLM API gateway: one key, every provider, one OpenAI-shaped API.')
  .showHelpAfterError();

// demo and simulate load the simulators only when asked for.
const configOption = new Option('-c, --config <file>', 'YAML configuration file (environment variables take precedence)');

program
  .command('serve')
  .description('start the gateway (HOST, PORT, SWITCHYARD_DATA_DIR and provider keys from the environment)')
  .addOption(configOption)
  .action((options: { config?: string }) => runServe(options));

program
  .command('simulate')
  .description('serve simulated OpenAI, xAI, Fireworks and Perplexity APIs for tests and local development')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--port <port>', 'port to listen on', '9090')
  .action(async (options: { host: string; port: string }) => (await import('./run-simulate.ts')).runSimulate(options));

program
  .command('demo')
  .description('start the simulators and a gateway wired to them, and print a demo key with ready-to-run examples')
  .addOption(configOption)
  .action(async (options: { config?: string }) => (await import('./run-demo.ts')).runDemo(options));

const orgs = program.command('orgs').description('manage organizations');
orgs
  .command('create <name>')
  .description('create an organization')
  .addOption(configOption)
  .action((name: string, options: { config?: string }) =>
    withSwitchyard(options, async (switchyard) => {
      const organization = await switchyard.accounts.createOrganization(name);
      console.log(`${organization.id}\t${organization.name}`);
    }),
  );
orgs
  .command('list')
  .description('list organizations')
  .addOption(configOption)
  .action((options: { config?: string }) =>
    withSwitchyard(options, async (switchyard) => {
      for (const organization of await switchyard.accounts.listOrganizations()) {
        console.log(`${organization.id}\t${organization.name}\t${organization.createdAt}${organization.disabledAt ? '\tdisabled' : ''}`);
      }
    }),
  );

const keys = program.command('keys').description('manage API keys');
keys
  .command('create')
  .description('create an API key; the key is printed once, alone on the last line')
  .requiredOption('--org <name>', 'organization the key belongs to')
  .option('--name <label>', 'a label to recognise the key by')
  .addOption(configOption)
  .action((options: { org: string; name?: string; config?: string }) =>
    withSwitchyard(options, async (switchyard) => {
      const { key, secret } = await switchyard.accounts.createApiKey(options.org, options.name);
      console.log(`Created key ${key.id} (${key.prefix}…) for organization '${options.org}'. Store it now: it is not shown again.`);
      console.log(secret);
    }),
  );
keys
  .command('list')
  .description('list API keys (prefixes only; secrets are never stored)')
  .option('--org <name>', 'only this organization')
  .addOption(configOption)
  .action((options: { org?: string; config?: string }) =>
    withSwitchyard(options, async (switchyard) => {
      for (const key of await switchyard.accounts.listApiKeys(options.org)) {
        console.log(`${key.id}\t${key.prefix}…\t${key.name ?? ''}\t${key.createdAt}\t${key.revokedAt ? `revoked ${key.revokedAt}` : 'active'}`);
      }
    }),
  );
keys
  .command('revoke <id>')
  .description('revoke an API key by its id (key_…)')
  .addOption(configOption)
  .action((id: string, options: { config?: string }) =>
    withSwitchyard(options, async (switchyard) => {
      const key = await switchyard.accounts.revokeApiKey(id);
      console.log(`Revoked ${key.id} (${key.prefix}…)`);
    }),
  );

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError || error instanceof AccountError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
