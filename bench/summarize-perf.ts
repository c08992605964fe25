import { readFileSync } from 'node:fs';

/**
 * Where a request's CPU goes, from `perf` samples of the whole gateway process
 * (`node --import tsx bench/summarize-perf.ts FILE REQUESTS [HZ]`; FILE and REQUESTS as
 * `bench/profile-switchyard.ts … perf` prints them). Each sample is charged to its nearest owner on
 * the stack: a folder of `src/` (its JavaScript, and the native and kernel work it called: a socket
 * write is its caller's), or a package; a sample with neither is Node's own work, on the main
 * thread (event loop, HTTP parser, streams, timers) or another thread (the GC's helpers, the
 * compiler, the SQLite usage thread's native side), with garbage collection apart. Prints
 * microseconds per request — samples × (1 s ÷ HZ) ÷ requests — and the part of each spent in the
 * kernel.
 */
const [file, requestsArgument, hzArgument] = process.argv.slice(2);
if (!file || !requestsArgument) throw new Error('usage: summarize-perf FILE REQUESTS [HZ]');
const requests = Number(requestsArgument);
const microsPerSample = 1e6 / Number(hzArgument ?? 1000);

interface Frame {
  symbol: string;
  kernel: boolean;
}

/** The JavaScript frame's owner: `src/<folder>` or the package; undefined for Node's internals and native frames. */
function ownerOf(symbol: string): string | undefined {
  const js = /^JS:\S* (?:file:\/\/)?(\S+?):\d+:\d+$/.exec(symbol);
  if (!js) return undefined;
  const path = js[1]!;
  const module = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
  if (module) return module[1];
  if (!path.includes('/dist/')) return undefined;
  return `src/${/\/dist\/([^/]+)\//.exec(path)?.[1] ?? ''}`;
}

const GARBAGE_COLLECTION = /Scavenge|MarkCompact|ConcurrentMarking|Sweeper|MinorMarkSweep|IncrementalMarking/;

const owners = new Map<string, { samples: number; kernel: number }>();
let total = 0;
function charge(mainThread: boolean, frames: Frame[]): void {
  if (frames.length === 0) return;
  total += 1;
  let owner = frames.map((frame) => ownerOf(frame.symbol)).find((name) => name !== undefined);
  if (!owner) {
    if (frames.some((frame) => GARBAGE_COLLECTION.test(frame.symbol))) owner = '(garbage collection)';
    else owner = mainThread ? '(node: main thread)' : '(node: other threads)';
  }
  const entry = owners.get(owner) ?? { samples: 0, kernel: 0 };
  entry.samples += 1;
  if (frames[0]!.kernel) entry.kernel += 1;
  owners.set(owner, entry);
}

// `perf script -F pid,tid,ip,sym,dso`: a `pid/tid` line, then one line per frame (leaf first), then a blank line.
// The main thread is the one whose id is the process's.
let mainThread = false;
let frames: Frame[] = [];
for (const line of readFileSync(file, 'utf8').split('\n')) {
  const text = line.trim();
  const ids = /^(\d+)\/(\d+)$/.exec(text);
  if (text === '') {
    charge(mainThread, frames);
    frames = [];
  } else if (ids) {
    mainThread = ids[1] === ids[2];
  } else {
    const frame = /^[0-9a-f]+ (.*?)(?: \((\S+)\))?$/.exec(text);
    if (frame) frames.push({ symbol: frame[1]!, kernel: frame[2] === '[kernel.kallsyms]' });
  }
}
charge(mainThread, frames);

const perRequest = (samples: number) => (samples * microsPerSample) / requests;
console.log(`${total} samples, ${requests} requests: ${perRequest(total).toFixed(0)} µs of CPU a request`);
console.log('µs a request  share  of it kernel  owner');
for (const [owner, { samples, kernel }] of [...owners].sort((a, b) => b[1].samples - a[1].samples)) {
  console.log(`${perRequest(samples).toFixed(1).padStart(12)}  ${((samples / total) * 100).toFixed(1).padStart(4)} %  ${((kernel / samples) * 100).toFixed(0).padStart(10)} %  ${owner}`);
}
