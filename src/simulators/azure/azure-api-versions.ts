/**
 * The dated data-plane inference API versions (`?api-version=…` on `/openai/deployments/…`) that
 * Azure OpenAI answers. 2024-10-21 is the latest generally available one; newer features come in
 * the previews or on the versionless v1 API (`/openai/v1/…`, not simulated). Previews retired on
 * 2024-07-01 (2023-03-15, 2023-07-01, 2023-08-01, 2023-09-01, 2023-12-01) are left out.
 * @see https://learn.microsoft.com/en-us/azure/ai-foundry/openai/api-version-lifecycle
 * @see https://github.com/Azure/azure-rest-api-specs/tree/main/specification/cognitiveservices/data-plane/AzureOpenAI/inference
 */
const apiVersions: ReadonlySet<string> = new Set([
  '2022-12-01',
  '2023-05-15',
  '2024-02-01',
  '2024-06-01',
  '2024-10-21',
  '2023-06-01-preview',
  '2023-10-01-preview',
  '2024-02-15-preview',
  '2024-03-01-preview',
  '2024-04-01-preview',
  '2024-05-01-preview',
  '2024-07-01-preview',
  '2024-08-01-preview',
  '2024-09-01-preview',
  '2024-10-01-preview',
  '2024-12-01-preview',
  '2025-01-01-preview',
  '2025-02-01-preview',
  '2025-03-01-preview',
  '2025-04-01-preview',
]);

/** The latest generally available dated version, the one to configure by default. */
export const LATEST_GA_AZURE_API_VERSION = '2024-10-21';

export function isAzureApiVersion(version: string): boolean {
  return apiVersions.has(version);
}

/**
 * Whether a version's chat completions take `stream_options` (and so stream usage): added in
 * 2024-09-01-preview, in the 2024-10-21 GA spec; older versions refuse it as an unknown parameter.
 * @see https://learn.microsoft.com/en-us/azure/ai-foundry/openai/api-version-lifecycle (changes between 2024-09-01-preview and 2024-08-01-preview)
 */
export function acceptsStreamOptions(version: string): boolean {
  return versionDate(version) >= '2024-09-01';
}

/**
 * Whether a version knows the `developer` role: added in 2024-12-01-preview with the o1 models;
 * the GA versions, 2024-10-21 included, answer "Invalid value: 'developer'".
 * @see https://github.com/run-llama/llama_index/issues/17544 (the refusal, seen on Azure in January 2025)
 */
export function acceptsDeveloperRole(version: string): boolean {
  return versionDate(version) >= '2024-12-01';
}

function versionDate(version: string): string {
  return version.slice(0, 10);
}
