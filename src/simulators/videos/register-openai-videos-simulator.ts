import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { applySimulatorFault } from '../apply-simulator-fault.ts';
import { readMultipartForm } from '../audio/read-multipart-form.ts';
import { openaiError, openaiSimulatorProfile as profile } from '../openai-simulator-profile.ts';
import type { Exchange, SimulatorContext } from '../simulator-context.ts';
import type { SimulatorError } from '../simulator-error.ts';
import { renderOpenAIVideo } from './render-openai-video.ts';
import type { SimulatedVideoJob } from './simulated-video-jobs.ts';
import { SORA_DEFAULTS, SORA_SECONDS, SORA_SIMULATOR_MODELS, SORA_SIZE_ASPECTS, SORA_SIZES } from './sora-simulator-models.ts';
import { VIDEO_FIXTURES } from './video-fixtures.ts';
import { videoOutcome } from './video-outcome.ts';
import { videoRenderPhase } from './video-render-phase.ts';

/** A create's upload, whole: an `input_reference` image is small; the simulator keeps tests small too. */
const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;
const CREATE_FIELDS = ['prompt', 'model', 'seconds', 'size', 'input_reference'];
const REFERENCE_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
const VARIANTS = { video: 'video/mp4', thumbnail: 'image/webp', spritesheet: 'image/jpeg' } as const;
const LIST_LIMIT = { default: 20, max: 100 };
const basePath = `${profile.basePath}/videos`;

interface CreateFields {
  fields: Record<string, unknown>;
  /** The `input_reference` upload, when the form carried a file. */
  reference?: { contentType: string | undefined; data: Buffer };
}

/**
 * OpenAI's Videos API (Sora) on the simulator's OpenAI base URL: `POST /videos` (multipart, as the
 * official SDK always sends it, or JSON), `GET /videos/{id}`, `GET /videos` (a cursor page),
 * `GET /videos/{id}/content` (`variant` video, thumbnail or spritesheet), `DELETE /videos/{id}` and
 * `POST /videos/{id}/remix`. A job advances with the clock (`context.videoJobs.renderMs`), belongs to
 * the key that made it, and its content is a real MP4 of the requested length and shape.
 * @see https://platform.openai.com/docs/api-reference/videos
 */
export function registerOpenAIVideosSimulator(app: FastifyInstance, context: SimulatorContext): void {
  // Creates come as multipart with a binary file: read as bytes in this scope only.
  void app.register(async (scope) => {
    scope.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES }, (_request, body, done) => done(null, body));
    scope.post(basePath, (request, reply) => handleCreate(context, request, reply));
    scope.post(`${basePath}/:videoId/remix`, (request, reply) => handleRemix(context, request, reply));
  });
  app.get(basePath, (request, reply) => handleList(context, request, reply));
  app.get(`${basePath}/:videoId`, (request, reply) => {
    const { exchange, owner } = begin(context, request, reply);
    if (owner === undefined) return;
    const job = findJob(context, exchange, owner, request);
    if (job) sendJson(exchange, 200, renderOpenAIVideo(job, Date.now()));
  });
  app.get(`${basePath}/:videoId/content`, (request, reply) => handleContent(context, request, reply));
  app.delete(`${basePath}/:videoId`, (request, reply) => {
    const { exchange, owner } = begin(context, request, reply);
    if (owner === undefined) return;
    const job = findJob(context, exchange, owner, request);
    if (!job) return;
    const { state } = videoRenderPhase(job, Date.now());
    if (state !== 'done') {
      return sendError(exchange, invalid(`Video '${job.id}' is ${state === 'queued' ? 'queued' : 'in progress'}; only completed or failed videos can be deleted.`, null, null));
    }
    context.videoJobs.delete(job.id);
    sendJson(exchange, 200, { id: job.id, object: 'video.deleted', deleted: true });
  });
}

async function handleCreate(context: SimulatorContext, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const { exchange, owner } = begin(context, request, reply);
  if (owner === undefined) return;
  const form = readCreateFields(exchange, request);
  if (!form.ok) return sendError(exchange, form.error);
  const { fields, reference } = form.value;
  const preamble = await applySimulatorFault(context, exchange, fields.model ?? SORA_DEFAULTS.model, {
    sendError: (error) => sendError(exchange, error),
    faultError: (status) => profile.faultError(status),
  });
  if (preamble.answered) return;

  const refusal = checkCreate(fields, reference);
  if (refusal) return sendError(exchange, refusal);
  const model = (fields.model as string | undefined) ?? SORA_DEFAULTS.model;
  const size = (fields.size as string | undefined) ?? SORA_DEFAULTS.size;
  const seconds = Number((fields.seconds as string | undefined) ?? SORA_DEFAULTS.seconds);
  const job = createJob(context, owner, { model, size, seconds, prompt: fields.prompt as string, remixedFromId: null });
  sendJson(exchange, 200, renderOpenAIVideo(job, job.createdAt), preamble.fault?.headers);
}

/** A remix renders the source's model, size and length again under a new prompt. */
async function handleRemix(context: SimulatorContext, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const { exchange, owner } = begin(context, request, reply);
  if (owner === undefined) return;
  const form = readCreateFields(exchange, request);
  if (!form.ok) return sendError(exchange, form.error);
  const source = findJob(context, exchange, owner, request);
  if (!source) return;
  const preamble = await applySimulatorFault(context, exchange, source.model, {
    sendError: (error) => sendError(exchange, error),
    faultError: (status) => profile.faultError(status),
  });
  if (preamble.answered) return;
  const { fields } = form.value;
  const unknown = Object.keys(fields).find((name) => name !== 'prompt');
  if (unknown !== undefined) return sendError(exchange, invalid(`Unknown parameter: '${unknown}'.`, unknown, 'unknown_parameter'));
  const promptRefusal = checkPrompt(fields.prompt);
  if (promptRefusal) return sendError(exchange, promptRefusal);
  const sourceDone = videoRenderPhase(source, Date.now()).state === 'done';
  if (!sourceDone || source.outcome !== 'completed') {
    return sendError(exchange, invalid(`Video '${source.id}' is not completed; only completed videos can be remixed.`, null, null));
  }
  const job = createJob(context, owner, { model: source.model, size: source.size, seconds: source.seconds, prompt: fields.prompt as string, remixedFromId: source.id });
  sendJson(exchange, 200, renderOpenAIVideo(job, job.createdAt), preamble.fault?.headers);
}

function handleList(context: SimulatorContext, request: FastifyRequest, reply: FastifyReply): void {
  const { exchange, owner } = begin(context, request, reply);
  if (owner === undefined) return;
  const query = request.query as Record<string, string | undefined>;
  const limit = query.limit === undefined ? LIST_LIMIT.default : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > LIST_LIMIT.max) {
    return sendError(exchange, invalid(`Invalid 'limit': integer out of range. Expected a value between 1 and ${LIST_LIMIT.max}, but got ${query.limit} instead.`, 'limit', 'integer_out_of_range'));
  }
  const order = query.order ?? 'desc';
  if (order !== 'asc' && order !== 'desc') return sendError(exchange, invalid(`Invalid value: '${order}'. Supported values are: 'asc' and 'desc'.`, 'order', 'invalid_value'));
  const jobs = context.videoJobs.list('openai', owner);
  if (order === 'desc') jobs.reverse();
  let start = 0;
  if (query.after !== undefined) {
    const index = jobs.findIndex((job) => job.id === query.after);
    if (index < 0) return sendError(exchange, notFound(query.after));
    start = index + 1;
  }
  const now = Date.now();
  const page = jobs.slice(start, start + limit).map((job) => renderOpenAIVideo(job, now));
  sendJson(exchange, 200, {
    object: 'list',
    data: page,
    first_id: (page[0]?.id as string | undefined) ?? null,
    last_id: (page.at(-1)?.id as string | undefined) ?? null,
    has_more: start + limit < jobs.length,
  });
}

/** The bytes of a completed video, its thumbnail or its spritesheet; anything unfinished is not there yet. */
function handleContent(context: SimulatorContext, request: FastifyRequest, reply: FastifyReply): void {
  const { exchange, owner } = begin(context, request, reply);
  if (owner === undefined) return;
  const variant = (request.query as Record<string, string | undefined>).variant ?? 'video';
  if (!(variant in VARIANTS)) return sendError(exchange, invalid(`Invalid value: '${variant}'. Supported values are: 'video', 'thumbnail', and 'spritesheet'.`, 'variant', 'invalid_value'));
  const job = findJob(context, exchange, owner, request);
  if (!job) return;
  if (videoRenderPhase(job, Date.now()).state !== 'done' || job.outcome !== 'completed') {
    return sendError(exchange, openaiError(404, 'Video is not ready yet, use GET /v1/videos/{video_id} to check status.', 'invalid_request_error', null, null));
  }
  const fixture = VIDEO_FIXTURES[job.aspect];
  const base64 = variant === 'video' ? fixture.mp4[job.seconds]! : variant === 'thumbnail' ? fixture.webp : fixture.jpeg;
  const bytes = Buffer.from(base64, 'base64');
  exchange.record.status = 200;
  exchange.response.writeHead(200, { ...profile.responseHeaders(undefined, false), 'content-type': VARIANTS[variant as keyof typeof VARIANTS], 'content-length': String(bytes.length) });
  exchange.response.end(bytes);
}

/** Records the request and checks the key: `owner` is the key, or undefined when the request was refused. */
function begin(context: SimulatorContext, request: FastifyRequest, reply: FastifyReply): { exchange: Exchange; owner: string | undefined } {
  const exchange = context.beginExchange('openai', request, reply);
  const owner = /^Bearer\s+(\S+)/i.exec(request.headers.authorization?.trim() ?? '')?.[1];
  if (owner === undefined) sendError(exchange, profile.authenticationError());
  return { exchange, owner };
}

function findJob(context: SimulatorContext, exchange: Exchange, owner: string, request: FastifyRequest): SimulatedVideoJob | undefined {
  const id = (request.params as { videoId: string }).videoId;
  const job = context.videoJobs.find('openai', owner, id);
  if (!job) sendError(exchange, notFound(id));
  return job;
}

/** The create's fields from a multipart form (text fields as strings, the file as bytes) or a JSON body. */
function readCreateFields(exchange: Exchange, request: FastifyRequest): { ok: true; value: CreateFields } | { ok: false; error: SimulatorError } {
  if (Buffer.isBuffer(request.body)) {
    const parts = readMultipartForm(request.body, request.headers['content-type']);
    if (!parts) return { ok: false, error: invalid('Invalid multipart form data.', null, null) };
    const fields: Record<string, unknown> = {};
    let reference: CreateFields['reference'];
    for (const part of parts) {
      if (part.filename !== undefined && part.name === 'input_reference') reference = { contentType: part.contentType, data: part.data };
      else fields[part.name] = part.data.toString('utf8');
    }
    exchange.record.body = { ...fields, ...(reference && { input_reference: { content_type: reference.contentType, bytes: reference.data.length } }) };
    if (reference) fields.input_reference = reference;
    return { ok: true, value: { fields, reference } };
  }
  if (!exchange.body.ok) return { ok: false, error: profile.invalidJsonError() };
  const body = exchange.body.value;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { ok: false, error: invalid('Invalid request body: expected a JSON object.', null, null) };
  return { ok: true, value: { fields: body as Record<string, unknown> } };
}

function checkCreate(fields: Record<string, unknown>, reference: CreateFields['reference']): SimulatorError | undefined {
  const unknown = Object.keys(fields).find((name) => !CREATE_FIELDS.includes(name));
  if (unknown !== undefined) return invalid(`Unknown parameter: '${unknown}'.`, unknown, 'unknown_parameter');
  const promptRefusal = checkPrompt(fields.prompt);
  if (promptRefusal) return promptRefusal;
  for (const name of ['model', 'seconds', 'size'] as const) {
    if (fields[name] !== undefined && typeof fields[name] !== 'string') return invalidType(name, fields[name]);
  }
  const modelId = (fields.model as string | undefined) ?? SORA_DEFAULTS.model;
  const model = SORA_SIMULATOR_MODELS.find((candidate) => candidate.id === modelId);
  if (!model) return invalid(`Invalid value: '${modelId}'. Supported values are: ${listValues(SORA_SIMULATOR_MODELS.map((candidate) => candidate.id))}.`, 'model', 'invalid_value');
  const seconds = (fields.seconds as string | undefined) ?? SORA_DEFAULTS.seconds;
  if (!(SORA_SECONDS as readonly string[]).includes(seconds)) return invalid(`Invalid value: '${seconds}'. Supported values are: ${listValues(SORA_SECONDS)}.`, 'seconds', 'invalid_value');
  const size = (fields.size as string | undefined) ?? SORA_DEFAULTS.size;
  if (!(SORA_SIZES as readonly string[]).includes(size)) return invalid(`Invalid value: '${size}'. Supported values are: ${listValues(SORA_SIZES)}.`, 'size', 'invalid_value');
  if (!model.sizes.includes(size)) return invalid(`The size '${size}' is not supported by ${model.id}. Supported sizes are: ${listValues(model.sizes)}.`, 'size', 'invalid_value');
  return checkReference(fields.input_reference, reference, size);
}

function checkPrompt(prompt: unknown): SimulatorError | undefined {
  if (prompt === undefined) return invalid("Missing required parameter: 'prompt'.", 'prompt', 'missing_required_parameter');
  if (typeof prompt !== 'string') return invalidType('prompt', prompt);
  if (prompt.trim() === '') return invalid("Invalid 'prompt': empty string. Expected a string with minimum length 1, but got an empty string instead.", 'prompt', 'empty_string');
  return undefined;
}

/**
 * `input_reference`: an uploaded image (JPEG, PNG or WebP) that must have the video's size — the
 * message is the one users quote — or, in JSON, an `{image_url}` or `{file_id}` reference.
 */
function checkReference(value: unknown, upload: CreateFields['reference'], size: string): SimulatorError | undefined {
  if (value === undefined) return undefined;
  if (upload) {
    const type = upload.contentType?.split(';')[0]?.trim().toLowerCase();
    if (!type || !REFERENCE_TYPES.includes(type)) {
      return invalid(`Invalid file format for 'input_reference'. Supported formats are: ${REFERENCE_TYPES.join(', ')}.`, 'input_reference', 'invalid_value');
    }
    const dimensions = pngDimensions(upload.data);
    if (dimensions && `${dimensions.width}x${dimensions.height}` !== size) return invalid('Inpaint image must match the requested width and height', 'input_reference', 'invalid_value');
    return undefined;
  }
  const reference = value as { image_url?: unknown; file_id?: unknown } | null;
  if (reference === null || typeof reference !== 'object' || (typeof reference.image_url !== 'string' && typeof reference.file_id !== 'string')) {
    return invalid("Invalid 'input_reference': expected a file upload or an object with 'image_url' or 'file_id'.", 'input_reference', 'invalid_value');
  }
  return undefined;
}

function createJob(context: SimulatorContext, owner: string, spec: { model: string; size: string; seconds: number; prompt: string; remixedFromId: string | null }): SimulatedVideoJob {
  const job: SimulatedVideoJob = {
    // OpenAI's ids: `video_` and 48 hex digits.
    id: `video_${randomBytes(24).toString('hex')}`,
    provider: 'openai',
    owner,
    model: spec.model,
    prompt: spec.prompt,
    seconds: spec.seconds,
    aspect: SORA_SIZE_ASPECTS[spec.size]!,
    size: spec.size,
    createdAt: Date.now(),
    renderMs: context.videoJobs.renderMs,
    outcome: videoOutcome(spec.prompt),
    remixedFromId: spec.remixedFromId,
    fileIds: [],
  };
  context.videoJobs.add(job);
  return job;
}

function pngDimensions(data: Buffer): { width: number; height: number } | undefined {
  if (data.length < 24 || data.readUInt32BE(0) !== 0x89504e47) return undefined;
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

function notFound(id: string): SimulatorError {
  return openaiError(404, `Video with id '${id}' not found.`, 'invalid_request_error', null, null);
}

function invalid(message: string, param: string | null, code: string | null): SimulatorError {
  return openaiError(400, message, 'invalid_request_error', param, code);
}

function invalidType(name: string, value: unknown): SimulatorError {
  const got = Array.isArray(value) ? 'an array' : typeof value === 'number' ? (Number.isInteger(value) ? 'an integer' : 'a decimal') : value === null ? 'null' : `a ${typeof value}`;
  return invalid(`Invalid type for '${name}': expected a string, but got ${got} instead.`, name, 'invalid_type');
}

/** "'a', 'b', and 'c'", the way OpenAI lists allowed values. */
function listValues(values: readonly string[]): string {
  const quoted = values.map((value) => `'${value}'`);
  if (quoted.length <= 2) return quoted.join(' and ');
  return `${quoted.slice(0, -1).join(', ')}, and ${quoted.at(-1)}`;
}

function sendError(exchange: Exchange, error: SimulatorError): void {
  sendJson(exchange, error.status, error.body, error.headers);
}

function sendJson(exchange: Exchange, status: number, body: unknown, headers: Record<string, string> = {}): void {
  exchange.record.status = status;
  exchange.response.writeHead(status, { ...profile.responseHeaders(undefined, false), ...headers, 'content-type': 'application/json' });
  exchange.response.end(JSON.stringify(body));
}
