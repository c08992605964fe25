/**
 * Where a request was addressed, beyond its body: the path parameters of the route it matched and
 * its query string. Azure OpenAI names the model in the path (`/openai/deployments/{deployment}`)
 * and the API version in the query (`?api-version=…`); the other chat providers need neither.
 */
export interface SimulatorRoute {
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
}
