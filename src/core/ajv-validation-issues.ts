import type { ValidationIssue } from './gateway-error.ts';

/** Ajv's errors (Fastify's body validation, the dialects' checks of translated requests) as FastAPI issues, one per problem. */
export function toValidationIssues(errors: readonly AjvError[], context: string): ValidationIssue[] {
  return meaningfulIssues(errors).map((issue) => toValidationIssue(issue, context));
}

export interface AjvError {
  keyword: string;
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
}

/**
 * Ajv reports a failed `anyOf` once per branch and an `if/then` twice; a person needs one line per
 * problem: the union failure itself, and the rule inside `then` that was broken.
 */
function meaningfulIssues(issues: readonly AjvError[]): AjvError[] {
  const unionPaths = issues.filter((issue) => issue.keyword === 'anyOf').map((issue) => issue.instancePath);
  return issues.filter(
    (issue) =>
      issue.keyword !== 'if' &&
      (issue.keyword === 'anyOf' || !unionPaths.some((path) => issue.instancePath === path || issue.instancePath.startsWith(`${path}/`))),
  );
}

/** An Ajv error as a FastAPI issue: `loc` is the path into the body, `type` names the rule broken. */
function toValidationIssue(issue: AjvError, context: string): ValidationIssue {
  const loc: (string | number)[] = [context];
  for (const segment of issue.instancePath.split('/').slice(1)) {
    const name = segment.replace(/~1/g, '/').replace(/~0/g, '~');
    loc.push(/^\d+$/.test(name) ? Number(name) : name);
  }
  if (issue.keyword === 'required') {
    loc.push(String(issue.params.missingProperty));
    return { loc, msg: 'Field required', type: 'missing' };
  }
  if (issue.keyword === 'enum') {
    const allowed = (issue.params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ');
    return { loc, msg: `Input should be one of ${allowed}`, type: 'enum' };
  }
  if (issue.keyword === 'anyOf') return { loc, msg: 'Input does not match any allowed form', type: 'union_mismatch' };
  if (issue.keyword === 'additionalProperties') {
    // Schemas that refuse unknown fields (the admin API's) name the field, in FastAPI's words.
    loc.push(String(issue.params.additionalProperty));
    return { loc, msg: 'Extra inputs are not permitted', type: 'extra_forbidden' };
  }
  return { loc, msg: `Input ${issue.message ?? 'is invalid'}`, type: issue.keyword };
}
