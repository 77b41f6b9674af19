import path from 'node:path';
import type { ErrorSpec } from '@switchyard/shared';

/** docs/errors.md at the workspace root. */
export const ERRORS_DOC = path.resolve(__dirname, '../../../docs/errors.md');
export const BEGIN = '<!-- BEGIN GENERATED: error catalogue (UPDATE_ERRORS_DOC=1 rewrites this part) -->';
export const END = '<!-- END GENERATED: error catalogue -->';

const FAMILIES: Array<[RegExp, string]> = [
  [/^CFG_ERR_/, 'Config document (`CFG_ERR_*`)'],
  [/^ADM_ERR_/, 'Admin API (`ADM_ERR_*`)'],
  [/^PRX_ERR_/, 'Proxy (`PRX_ERR_*`)'],
  [/^(PROTO_ERR_|PATCH_)/, 'Admin <-> worker protocol (`PROTO_ERR_*`)'],
];

/**
 * The generated part of docs/errors.md: one table per code family, in catalogue order, each
 * row `| code | status | meaning |`. Codes of no known family go to a last "Other" table.
 */
export function renderCatalogue(catalogue: Readonly<Record<string, ErrorSpec>>): string {
  const groups = new Map<string, string[]>();
  for (const code of Object.keys(catalogue)) {
    const title = FAMILIES.find(([re]) => re.test(code))?.[1] ?? 'Other';
    groups.set(title, [...(groups.get(title) ?? []), code]);
  }
  const order = [...FAMILIES.map(([, t]) => t), 'Other'].filter((t) => groups.has(t));
  const parts = order.map((title) => {
    const rows = groups.get(title)!.map((code) => `| \`${code}\` | ${catalogue[code].status} | ${catalogue[code].meaning.replace(/\|/g, '\\|')} |`);
    return [`### ${title}`, '', '| Code | Status | Meaning |', '|---|---|---|', ...rows].join('\n');
  });
  return [BEGIN, '', ...parts.flatMap((p) => [p, '']), END].join('\n');
}

/** `doc` with its generated part replaced by `generated`; throws if the markers are missing. */
export function spliceGenerated(doc: string, generated: string): string {
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) throw new Error('docs/errors.md lacks the generated-section markers');
  return doc.slice(0, a) + generated + doc.slice(b + END.length);
}
