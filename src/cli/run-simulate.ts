import { startSimulators } from '../simulators/start-simulators.ts';

/** `switchyard simulate`: the provider simulators on their own, for local development against real SDKs. */
export async function runSimulate(options: { host: string; port: string }): Promise<void> {
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`Invalid --port: ${options.port}`);
    process.exit(2);
  }
  const simulators = await startSimulators({ host: options.host, port });
  console.log(`Provider simulators listening on ${simulators.url}`);
  console.log('Point a gateway (or any SDK) at them, with any non-empty API key (Gemini: one starting with "AIza"):');
  console.log(`  OPENAI_BASE_URL=${simulators.baseUrls.openai}`);
  console.log(`  XAI_BASE_URL=${simulators.baseUrls.xai}`);
  console.log(`  FIREWORKS_BASE_URL=${simulators.baseUrls.fireworks}`);
  console.log(`  PERPLEXITY_BASE_URL=${simulators.baseUrls.perplexity}`);
  console.log(`  ANTHROPIC_BASE_URL=${simulators.baseUrls.anthropic}`);
  console.log(`  GEMINI_BASE_URL=${simulators.baseUrls.google}`);
  console.log('and, as providers of your own in YAML (providers.<id>.type; models with upstreamId Qwen/Qwen3-8B or meta-llama/Llama-3.1-8B-Instruct, Azure deployments gpt-4o-prod or gpt-4.1-mini):');
  console.log(`  type: openai-compatible   baseUrl: ${simulators.baseUrls.vllm}   (vLLM, no key)`);
  console.log(`  type: azure-openai        baseUrl: ${simulators.baseUrls.azureOpenai}   (any apiKey)`);
  console.log(`Recorded requests: GET ${simulators.url}/__simulator/requests · scripted faults: POST ${simulators.url}/__simulator/faults`);
  const stop = async () => {
    await simulators.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}
