import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { PROVIDER_KEYS, startStack, type Stack } from '../support/start-stack.ts';

const DASHBOARD = JSON.parse(readFileSync(new URL('../../deploy/grafana/switchyard-dashboard.json', import.meta.url), 'utf8')) as GrafanaDashboard;

/** The datasource variable every panel and target queries through. */
const DATASOURCE_VARIABLE = 'DS_PROMETHEUS';

/** Labels Prometheus adds to every series when it scrapes: a query may use them though /metrics never shows them. */
const TARGET_LABELS = new Set(['job', 'instance']);

/** Grafana's built-in variables, usable in a query without a templating entry. */
const GRAFANA_VARIABLES = new Set(['__rate_interval', '__interval', '__interval_ms', '__range', '__range_s', '__range_ms', '__from', '__to', '__dashboard', '__org', '__user']);

// @see https://prometheus.io/docs/prometheus/latest/querying/operators/#aggregation-operators
const AGGREGATIONS = new Set(['sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio']);
// @see https://prometheus.io/docs/prometheus/latest/querying/functions/ (`start` and `end` are the `@` modifier's)
const FUNCTIONS = new Set([
  'abs', 'absent', 'absent_over_time', 'acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'avg_over_time', 'ceil', 'changes', 'clamp', 'clamp_max', 'clamp_min',
  'cos', 'cosh', 'count_over_time', 'day_of_month', 'day_of_week', 'day_of_year', 'days_in_month', 'deg', 'delta', 'deriv', 'double_exponential_smoothing', 'end', 'exp',
  'floor', 'histogram_avg', 'histogram_count', 'histogram_fraction', 'histogram_quantile', 'histogram_stddev', 'histogram_stdvar', 'histogram_sum', 'holt_winters', 'hour',
  'idelta', 'increase', 'info', 'irate', 'label_join', 'label_replace', 'last_over_time', 'ln', 'log10', 'log2', 'mad_over_time', 'max_over_time', 'min_over_time', 'minute',
  'month', 'pi', 'predict_linear', 'present_over_time', 'quantile_over_time', 'rad', 'rate', 'resets', 'round', 'scalar', 'sgn', 'sin', 'sinh', 'sort', 'sort_by_label',
  'sort_by_label_desc', 'sort_desc', 'sqrt', 'start', 'stddev_over_time', 'stdvar_over_time', 'sum_over_time', 'tan', 'tanh', 'time', 'timestamp', 'vector', 'year',
]);
const GROUPING = new Set(['by', 'without']);
const VECTOR_MATCHING = new Set(['on', 'ignoring', 'group_left', 'group_right']);
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'atan2', ...GROUPING, ...VECTOR_MATCHING]);

interface GrafanaTarget {
  expr?: string;
  refId?: string;
  datasource?: { type?: string; uid?: string };
}
interface GrafanaPanel {
  id?: number;
  type?: string;
  title?: string;
  datasource?: { type?: string; uid?: string };
  targets?: GrafanaTarget[];
  panels?: GrafanaPanel[];
}
interface GrafanaVariable {
  name: string;
  type: string;
  query?: string | { query?: string };
}
interface GrafanaDashboard {
  schemaVersion: number;
  title: string;
  uid: string;
  panels: GrafanaPanel[];
  templating: { list: GrafanaVariable[] };
}

type Token =
  | { kind: 'identifier'; text: string; at: number }
  | { kind: 'selector'; matchers: { label: string; operator: string; value: string }[]; at: number }
  | { kind: 'punctuation'; text: string; at: number }
  /** A string, a number, a duration, a `[range]` or a Grafana variable: never a metric or a label. */
  | { kind: 'other'; text: string; at: number };

/** What a PromQL expression names: each metric with the labels it needs (its matchers and every enclosing `by`/`without`), labels of `on`/`ignoring`/`group_*`, Grafana variables, and what could not be read. */
interface QueryNames {
  references: { metric: string; labels: string[] }[];
  matchingLabels: string[];
  variables: string[];
  problems: string[];
}

const STRING = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/y;
const NUMBER = /(?:\d+(?:ms|[smhdwy]))+|0x[0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const IDENTIFIER = /[a-zA-Z_:][a-zA-Z0-9_:]*/y;
const GRAFANA_VARIABLE = /\$\{([a-zA-Z0-9_]+)[^}]*\}|\$([a-zA-Z0-9_]+)|\[\[([a-zA-Z0-9_]+)[^\]]*\]\]/g;
const MATCHER = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)\s*(?:,|$)/y;
const OPERATOR = /==|!=|>=|<=|[-+*/%^<>@(),]/y;

function readAt(pattern: RegExp, text: string, at: number): string | undefined {
  pattern.lastIndex = at;
  return pattern.exec(text)?.[0];
}

/** Splits PromQL into tokens; strings, numbers, durations, ranges and Grafana variables stand aside. */
function tokenize(expr: string, problems: string[]): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < expr.length) {
    const character = expr[at]!;
    if (/\s/.test(character)) {
      at += 1;
      continue;
    }
    if (character === '#') {
      const end = expr.indexOf('\n', at);
      at = end === -1 ? expr.length : end;
      continue;
    }
    const grafanaVariable = /^(?:\$\{[^}]*\}|\$[a-zA-Z0-9_]+|\[\[[^\]]*\]\])/.exec(expr.slice(at))?.[0];
    const string = readAt(STRING, expr, at);
    const number = readAt(NUMBER, expr, at);
    const other = grafanaVariable ?? string ?? number;
    if (other !== undefined) {
      tokens.push({ kind: 'other', text: other, at });
      at += other.length;
      continue;
    }
    if (character === '"' || character === "'" || character === '`') {
      problems.push(`an unterminated string at ${at}`);
      break;
    }
    if (character === '[' || character === '{') {
      const close = closingOf(expr, at, character === '[' ? ']' : '}');
      if (close === -1) {
        problems.push(`an unclosed ${character} at ${at}`);
        break;
      }
      const inner = expr.slice(at + 1, close);
      if (character === '[') tokens.push({ kind: 'other', text: `[${inner}]`, at });
      else tokens.push({ kind: 'selector', matchers: parseMatchers(inner, problems), at });
      at = close + 1;
      continue;
    }
    const identifier = readAt(IDENTIFIER, expr, at);
    if (identifier !== undefined) {
      tokens.push(/^(inf|nan)$/i.test(identifier) ? { kind: 'other', text: identifier, at } : { kind: 'identifier', text: identifier, at });
      at += identifier.length;
      continue;
    }
    const operator = readAt(OPERATOR, expr, at);
    if (operator === undefined) {
      problems.push(`an unexpected ${JSON.stringify(character)} at ${at}`);
      break;
    }
    tokens.push({ kind: 'punctuation', text: operator, at });
    at += operator.length;
  }
  return tokens;
}

/** The index of the `close` that ends the group opened at `open`, skipping strings; -1 when there is none. */
function closingOf(expr: string, open: number, close: string): number {
  for (let at = open + 1; at < expr.length; at += 1) {
    const string = readAt(STRING, expr, at);
    if (string !== undefined) at += string.length - 1;
    else if (expr[at] === close) return at;
  }
  return -1;
}

function parseMatchers(inner: string, problems: string[]): { label: string; operator: string; value: string }[] {
  const matchers: { label: string; operator: string; value: string }[] = [];
  let at = 0;
  while (inner.slice(at).trim() !== '') {
    MATCHER.lastIndex = at;
    const match = MATCHER.exec(inner);
    if (!match) {
      problems.push(`label matchers that do not read as name op "value": {${inner}}`);
      break;
    }
    matchers.push({ label: match[1]!, operator: match[2]!, value: match[3]!.slice(1, -1) });
    at = MATCHER.lastIndex;
  }
  return matchers;
}

/** Reads a PromQL expression (Grafana variables allowed) for the metric names and label names it uses. */
function namesInPromQL(expr: string): QueryNames {
  const problems: string[] = [];
  const variables = [...expr.matchAll(GRAFANA_VARIABLE)].map((match) => match[1] ?? match[2] ?? match[3]!);
  const tokens = tokenize(expr, problems);
  const isPunctuation = (index: number, text: string) => tokens[index]?.kind === 'punctuation' && (tokens[index] as { text: string }).text === text;
  const isKeyword = (index: number, words: Set<string>) => tokens[index]?.kind === 'identifier' && words.has((tokens[index] as { text: string }).text);

  const closing = new Map<number, number>();
  const opened: number[] = [];
  tokens.forEach((token, index) => {
    if (token.kind !== 'punctuation') return;
    if (token.text === '(') opened.push(index);
    if (token.text === ')') {
      const open = opened.pop();
      if (open === undefined) problems.push(`an unmatched ) at ${token.at}`);
      else closing.set(open, index);
    }
  });
  for (const open of opened) problems.push(`an unclosed ( at ${tokens[open]!.at}`);
  if (problems.length > 0) return { references: [], matchingLabels: [], variables, problems };

  // Label lists after by, without, on, ignoring, group_left, group_right: their names are labels, not metrics.
  const labelLists = new Map<number, string[]>();
  const inLabelList = new Set<number>();
  tokens.forEach((token, index) => {
    if (!isKeyword(index, GROUPING) && !isKeyword(index, VECTOR_MATCHING)) return;
    if (!isPunctuation(index + 1, '(')) {
      if (!isKeyword(index, new Set(['group_left', 'group_right']))) problems.push(`${(token as { text: string }).text} without a label list`);
      labelLists.set(index, []);
      return;
    }
    const labels: string[] = [];
    for (let inside = index + 1; inside <= closing.get(index + 1)!; inside += 1) {
      inLabelList.add(inside);
      const element = tokens[inside]!;
      if (element.kind === 'identifier') labels.push(element.text);
      else if (!(element.kind === 'punctuation' && ['(', ')', ','].includes(element.text))) problems.push(`${JSON.stringify(expr.slice(element.at, element.at + 20))} in a label list`);
    }
    labelLists.set(index, labels);
  });

  // Each aggregation's argument span, with the labels its by/without names (before or after the arguments).
  const groupings: { from: number; to: number; labels: string[] }[] = [];
  tokens.forEach((token, index) => {
    if (token.kind !== 'identifier' || !AGGREGATIONS.has(token.text) || inLabelList.has(index)) return;
    const groupedFirst = isKeyword(index + 1, GROUPING);
    const open = groupedFirst ? closing.get(index + 2)! + 1 : index + 1;
    if (!isPunctuation(open, '(')) return;
    const close = closing.get(open)!;
    const labels = groupedFirst ? labelLists.get(index + 1)! : isKeyword(close + 1, GROUPING) ? labelLists.get(close + 1)! : [];
    groupings.push({ from: open, to: close, labels });
  });

  const references: QueryNames['references'] = [];
  tokens.forEach((token, index) => {
    const selector = token.kind === 'selector' ? token : tokens[index + 1]?.kind === 'selector' ? (tokens[index + 1] as Extract<Token, { kind: 'selector' }>) : undefined;
    let metric: string | undefined;
    if (token.kind === 'identifier') {
      if (inLabelList.has(index) || KEYWORDS.has(token.text)) return;
      if (isPunctuation(index + 1, '(') || (AGGREGATIONS.has(token.text) && isKeyword(index + 1, GROUPING))) {
        if (!FUNCTIONS.has(token.text) && !AGGREGATIONS.has(token.text)) problems.push(`${token.text}(…) is no PromQL function`);
        return;
      }
      metric = token.text;
    } else if (token.kind === 'selector' && tokens[index - 1]?.kind !== 'identifier') {
      metric = token.matchers.find((matcher) => matcher.label === '__name__' && matcher.operator === '=')?.value;
      if (metric === undefined) {
        problems.push(`a selector without a metric name: ${expr.slice(token.at, token.at + 40)}`);
        return;
      }
    } else return;
    const labels = new Set((selector?.matchers ?? []).map((matcher) => matcher.label).filter((label) => label !== '__name__'));
    for (const grouping of groupings) if (grouping.from < index && index < grouping.to) for (const label of grouping.labels) labels.add(label);
    references.push({ metric, labels: [...labels] });
  });
  const matchingLabels = [...labelLists].filter(([index]) => isKeyword(index, VECTOR_MATCHING)).flatMap(([, labels]) => labels);
  return { references, matchingLabels, variables, problems };
}

/** What a Grafana Prometheus variable query names: `label_values([selector,] label)`, `query_result(expr)`, or an expression. */
function namesInVariableQuery(query: string): QueryNames {
  const labelValues = /^\s*label_values\((.*)\)\s*$/s.exec(query);
  const queryResult = /^\s*query_result\((.*)\)\s*$/s.exec(query);
  if (!labelValues) return namesInPromQL(queryResult ? queryResult[1]! : query);
  const argumentsText = labelValues[1]!;
  const comma = argumentsText.lastIndexOf(',');
  const label = argumentsText.slice(comma + 1).trim();
  if (comma === -1) return { references: [], matchingLabels: [label], variables: [], problems: [] };
  const names = namesInPromQL(argumentsText.slice(0, comma));
  return { ...names, references: names.references.map((reference) => ({ ...reference, labels: [...reference.labels, label] })) };
}

/** A scrape as a query sees it: each series name with a sample, and the label names it carries; names only declared (`# TYPE`) too. */
interface Exposition {
  labels: Map<string, Set<string>>;
  declared: Set<string>;
}

function readExposition(text: string): Exposition {
  const labels = new Map<string, Set<string>>();
  const declared = new Set<string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      const suffixes = type[2] === 'histogram' ? ['_bucket', '_sum', '_count'] : type[2] === 'summary' ? ['', '_sum', '_count'] : [''];
      for (const suffix of suffixes) declared.add(type[1]! + suffix);
    }
    if (line === '' || line.startsWith('#')) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? \S+/.exec(line);
    assert.ok(sample, `a sample line: ${line}`);
    const names = labels.get(sample[1]!) ?? new Set<string>();
    for (const [, label] of (sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="(?:[^"\\]|\\.)*"/g)) names.add(label!);
    labels.set(sample[1]!, names);
  }
  return { labels, declared };
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

/** Every name a query uses that the scrape does not have, with the nearest metric when it looks like a typo. */
function problemsAgainst(names: QueryNames, exposition: Exposition): string[] {
  const problems = [...names.problems];
  for (const { metric, labels } of names.references) {
    const present = exposition.labels.get(metric);
    if (!present) {
      const nearest = [...exposition.labels.keys()].sort((a, b) => editDistance(metric, a) - editDistance(metric, b))[0];
      problems.push(exposition.declared.has(metric) ? `${metric} is declared but has no sample after the test's traffic` : `${metric} is not in /metrics${nearest && editDistance(metric, nearest) <= 3 ? ` (did you mean ${nearest}?)` : ''}`);
      continue;
    }
    for (const label of labels) if (!present.has(label) && !TARGET_LABELS.has(label)) problems.push(`${metric} has no label ${label} (it has ${[...present].join(', ') || 'none'})`);
  }
  for (const label of names.matchingLabels) {
    if (!TARGET_LABELS.has(label) && ![...exposition.labels.values()].some((present) => present.has(label))) problems.push(`no metric has the label ${label}`);
  }
  return problems;
}

/** Every panel, rows and those inside collapsed rows included. */
function everyPanel(panels: GrafanaPanel[]): GrafanaPanel[] {
  return panels.flatMap((panel) => [panel, ...everyPanel(panel.panels ?? [])]);
}

function queryPanels(panels: GrafanaPanel[]): GrafanaPanel[] {
  return everyPanel(panels).filter((panel) => panel.type !== 'row');
}

function variableQuery(variable: GrafanaVariable): string {
  return typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? '');
}

/** Every query of the dashboard, named by where it is. */
function dashboardQueries(): { where: string; names: QueryNames }[] {
  return [
    ...queryPanels(DASHBOARD.panels).flatMap((panel) => (panel.targets ?? []).map((target) => ({ where: `panel "${panel.title}" target ${target.refId}`, names: namesInPromQL(target.expr ?? '') }))),
    ...DASHBOARD.templating.list.filter((variable) => variable.type === 'query').map((variable) => ({ where: `variable $${variable.name}`, names: namesInVariableQuery(variableQuery(variable)) })),
  ];
}

describe('the PromQL reader the dashboard test relies on', () => {
  const exposition = readExposition([
    '# TYPE switchyard_requests_total counter',
    'switchyard_requests_total{surface="openai-chat",model="gpt-5-mini",provider="openai",deployment="none",status="200"} 1',
    '# TYPE switchyard_request_duration_seconds histogram',
    'switchyard_request_duration_seconds_bucket{le="0.5",surface="openai-chat",model="gpt-5-mini"} 1',
    'switchyard_request_duration_seconds_sum{surface="openai-chat",model="gpt-5-mini"} 0.2',
    'switchyard_request_duration_seconds_count{surface="openai-chat",model="gpt-5-mini"} 1',
    '# TYPE switchyard_upstream_errors_total counter',
  ].join('\n'));

  test('names only the metrics: not functions, keywords, label names, strings, numbers, durations or Grafana variables', () => {
    const names = namesInPromQL(
      'histogram_quantile(0.99, sum by (le, model) (rate(switchyard_request_duration_seconds_bucket{model=~"$model", surface!="x{y}"}[$__rate_interval] offset 5m))) / 1e6 > bool 0'
      + ' or on (model) sum(increase(switchyard_requests_total{status=~"5.."}[1h30m])) without (status) * 3600',
    );
    assert.deepEqual(names.problems, []);
    assert.deepEqual(names.references, [
      { metric: 'switchyard_request_duration_seconds_bucket', labels: ['model', 'surface', 'le'] },
      { metric: 'switchyard_requests_total', labels: ['status'] },
    ]);
    assert.deepEqual(names.matchingLabels, ['model']);
    assert.deepEqual(names.variables, ['model', '__rate_interval']);
    assert.deepEqual(problemsAgainst(names, exposition), []);
  });

  test('a misspelt metric, a label the metric lacks, a metric without samples and an unknown function are each reported', () => {
    assert.deepEqual(problemsAgainst(namesInPromQL('sum by (model) (rate(switchyard_request_total{model=~"$model"}[5m]))'), exposition), [
      'switchyard_request_total is not in /metrics (did you mean switchyard_requests_total?)',
    ]);
    assert.deepEqual(problemsAgainst(namesInPromQL('sum(rate(switchyard_requests_total{organization="acme"}[5m])) by (modle)'), exposition), [
      'switchyard_requests_total has no label organization (it has surface, model, provider, deployment, status)',
      'switchyard_requests_total has no label modle (it has surface, model, provider, deployment, status)',
    ]);
    assert.deepEqual(problemsAgainst(namesInPromQL('histogram_quantile(0.5, sum by (le) (rate(switchyard_request_duration_seconds_count[5m])))'), exposition), [
      'switchyard_request_duration_seconds_count has no label le (it has surface, model)',
    ]);
    assert.deepEqual(problemsAgainst(namesInPromQL('rate(switchyard_upstream_errors_total[5m])'), exposition), ['switchyard_upstream_errors_total is declared but has no sample after the test\'s traffic']);
    assert.deepEqual(problemsAgainst(namesInPromQL('histogram_quantil(0.5, switchyard_request_duration_seconds_bucket)'), exposition), ['histogram_quantil(…) is no PromQL function']);
    assert.deepEqual(namesInPromQL('sum(rate(switchyard_requests_total[5m])').problems, ['an unclosed ( at 3']);
    assert.deepEqual(problemsAgainst(namesInVariableQuery('label_values(switchyard_requests_total, organization)'), exposition), [
      'switchyard_requests_total has no label organization (it has surface, model, provider, deployment, status)',
    ]);
  });
});

describe('deploy/grafana/switchyard-dashboard.json', () => {
  test('an importable dashboard: a Prometheus datasource variable that every panel and target uses, the organization/model/provider variables, and every panel titled with a query', () => {
    assert.ok(DASHBOARD.schemaVersion >= 39, `schemaVersion ${DASHBOARD.schemaVersion}`);
    assert.ok(DASHBOARD.title && DASHBOARD.uid);
    const variables = DASHBOARD.templating.list;
    const datasource = variables.find((variable) => variable.name === DATASOURCE_VARIABLE);
    assert.deepEqual(datasource && { type: datasource.type, query: datasource.query }, { type: 'datasource', query: 'prometheus' });
    for (const name of ['organization', 'model', 'provider']) {
      const variable = variables.find((candidate) => candidate.name === name);
      assert.equal(variable?.type, 'query', `a query variable $${name}`);
      assert.match(variableQuery(variable!), /^label_values\(/, `$${name} lists label values`);
    }

    const panels = queryPanels(DASHBOARD.panels);
    assert.ok(panels.length >= 10);
    const ids = everyPanel(DASHBOARD.panels).map((panel) => panel.id);
    assert.equal(new Set(ids).size, ids.length, 'panel ids are unique');
    const types = new Set(panels.map((panel) => panel.type));
    assert.ok(types.has('timeseries') && types.has('stat'), `panel types: ${[...types].join(', ')}`);
    for (const panel of everyPanel(DASHBOARD.panels)) assert.ok(panel.title?.trim(), `panel ${panel.id} has a title`);
    for (const panel of panels) {
      assert.ok((panel.targets ?? []).length > 0, `panel "${panel.title}" has a target`);
      assert.deepEqual(panel.datasource, { type: 'prometheus', uid: `\${${DATASOURCE_VARIABLE}}` }, `panel "${panel.title}" queries the datasource variable`);
      for (const target of panel.targets!) {
        assert.ok(target.expr?.trim() && target.refId, `panel "${panel.title}": every target has an expr and a refId`);
        assert.deepEqual(target.datasource, panel.datasource, `panel "${panel.title}" target ${target.refId}`);
      }
    }
  });

  test('every query reads as PromQL, with known functions and only the dashboard\'s own or Grafana\'s variables', () => {
    const defined = new Set([...DASHBOARD.templating.list.map((variable) => variable.name), ...GRAFANA_VARIABLES]);
    const problems = dashboardQueries().flatMap(({ where, names }) => [
      ...names.problems,
      ...(names.references.length === 0 ? ['names no metric'] : []),
      ...names.variables.filter((variable) => !defined.has(variable)).map((variable) => `uses $${variable}, which is not defined`),
    ].map((problem) => `${where}: ${problem}`));
    assert.deepEqual(problems, []);
  });

  describe('against a running gateway', () => {
    let stack: Stack;
    let exposition: Exposition;
    before(async () => {
      // Two OpenAI deployments: the failed attempt (an upstream error) is retried on the other, and the request still succeeds.
      stack = await startStack({}, {
        configYaml: (simulators) => [
          'providers:',
          '  openai:',
          '    deployments:',
          `      - { name: primary, baseUrl: "${simulators.baseUrls.openai}", apiKey: ${PROVIDER_KEYS.openai}, weight: 1 }`,
          `      - { name: secondary, baseUrl: "${simulators.baseUrls.openai}", apiKey: ${PROVIDER_KEYS.openai}, weight: 1 }`,
          '',
        ].join('\n'),
      });
      const { switchyard } = stack.gateway;
      const openai = stack.client();
      await openai.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'Hi' }] });
      for await (const _chunk of await openai.chat.completions.create({ model: 'grok-4', stream: true, messages: [{ role: 'user', content: 'Hi' }] }));
      stack.simulators.addFault({ provider: 'openai', status: 500, times: 1 });
      await openai.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'Hi' }] });
      await openai.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'Hi' }] }).catch(() => undefined);
      await switchyard.accounts.createOrganization('broke');
      const broke = stack.client('/v1', (await switchyard.accounts.createApiKey('broke', 'tests')).secret);
      await broke.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'Hi' }] }).catch(() => undefined);
      await switchyard.usage.flush();
      const response = await fetch(`${stack.gateway.url}/metrics`);
      assert.equal(response.status, 200);
      exposition = readExposition(await response.text());
    });
    after(() => stack.close());

    test('the traffic left a sample of every kind: an upstream error, a refusal, a 4xx, a first token', () => {
      for (const metric of ['switchyard_upstream_errors_total', 'switchyard_refusals_total', 'switchyard_time_to_first_token_seconds_bucket', 'switchyard_credits_spent_micros_total']) {
        assert.ok(exposition.labels.has(metric), `${metric} has a sample`);
      }
    });

    test('every metric a dashboard query names is in /metrics, with every label its matchers and by/without clauses use', () => {
      const queries = dashboardQueries();
      const problems = queries.flatMap(({ where, names }) => problemsAgainst(names, exposition).map((problem) => `${where}: ${problem}`));
      assert.deepEqual(problems, []);
      const named = new Set(queries.flatMap(({ names }) => names.references.map((reference) => reference.metric)));
      for (const metric of ['switchyard_requests_total', 'switchyard_request_duration_seconds_bucket', 'switchyard_time_to_first_token_seconds_bucket', 'switchyard_tokens_total', 'switchyard_credits_spent_micros_total', 'switchyard_refusals_total', 'switchyard_upstream_errors_total', 'switchyard_inflight_requests', 'switchyard_dependency_up', 'process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_p99_seconds']) {
        assert.ok(named.has(metric), `the dashboard shows ${metric}`);
      }
    });

    test('a typo in a query fails against this scrape, naming the metric and the one meant', () => {
      assert.deepEqual(problemsAgainst(namesInPromQL('sum by (status) (rate(switchyard_request_total[$__rate_interval]))'), exposition), [
        'switchyard_request_total is not in /metrics (did you mean switchyard_requests_total?)',
      ]);
      assert.deepEqual(problemsAgainst(namesInPromQL('sum by (organization) (rate(switchyard_tokens_total[$__rate_interval]))'), exposition), [
        'switchyard_tokens_total has no label organization (it has model, type)',
      ]);
    });
  });
});
