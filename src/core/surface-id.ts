/**
 * The name of an inbound API, as usage records and providers' `nativeSurfaces` spell it:
 * `openai-chat`, `anthropic-messages`, `openai-responses`. A plain string, so a new surface is one
 * surface file (`src/dialects/<name>/<name>-surface.ts`) and its route, with no list to extend.
 */
export type SurfaceId = string;
