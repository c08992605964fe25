import { randomBytes } from 'node:crypto';

/** Ids shaped like OpenAI's (`resp_…`, `msg_…`, `fc_…`, `rs_…`: a prefix and 50 hex digits), for translated responses. */
export function newResponsesId(prefix: 'resp' | 'msg' | 'fc' | 'rs'): string {
  return `${prefix}_${randomBytes(25).toString('hex')}`;
}
