import { Command, Option } from 'commander';
import { AccountError } from '../accounts/account-error.ts';
import { ConfigError } from '../core/config-error.ts';
import { registerChatbotCommands } from './chatbot-commands.ts';
import { registerCreditCommands } from './credit-commands.ts';
import { registerKeyCommands } from './key-commands.ts';
import { registerOrganizationCommands } from './organization-commands.ts';
import { registerUsageCommand } from './usage-command.ts';

const program = new Command('switchyard')
  .description('Self-hosted LLM API gateway: one key, every provider, one OpenAI-shaped API.')
  .showHelpAfterError();

// serve, demo and simulate load the HTTP server and the simulators only when asked for, so the
// one-shot commands (orgs, keys, credits, usage) start in about half the time.
const configOption = new Option('-c, --config <file>', 'YAML configuration file (environment variables take precedence)');

program
  .command('serve')
  .description('start the gateway (HOST, PORT, SWITCHYARD_DATA_DIR and provider keys from the environment)')
  .addOption(configOption)
  .option('-w, --workers <count>', 'worker processes serving on one port: a number, or auto for one per core (default: SWITCHYARD_WORKERS, else auto)')
  .action(async (options: { config?: string; workers?: string }) => (await import('./run-serve.ts')).runServe(options));

program
  .command('simulate')
  .description('serve simulated OpenAI, xAI, Fireworks, Perplexity, Anthropic and Gemini APIs for tests and local development')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--port <port>', 'port to listen on', '9090')
  .action(async (options: { host: string; port: string }) => (await import('./run-simulate.ts')).runSimulate(options));

program
  .command('demo')
  .description('start the simulators and a gateway wired to them, and print a demo key with ready-to-run examples (on stdout; logs go to stderr)')
  .addOption(configOption)
  .option('--port <port>', "the gateway's port (default: PORT, else 8080)")
  .option('--simulator-port <port>', "the simulators' port (default: any free port)")
  .action(async (options: { config?: string; port?: string; simulatorPort?: string }) => (await import('./run-demo.ts')).runDemo(options));

registerOrganizationCommands(program, configOption);
registerKeyCommands(program, configOption);
registerCreditCommands(program, configOption);
registerChatbotCommands(program, configOption);
registerUsageCommand(program, configOption);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError || error instanceof AccountError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
