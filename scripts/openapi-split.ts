// Splits openapi-typescript's output into files of about SPLIT_BUDGET lines: each top-level interface
// too long for one file becomes `interface name extends name_part1, name_part2 {}`, its members spread
// over part files; a member too long for one part (`components.schemas`) is split the same way.

import ts from 'typescript';
import { astToString } from 'openapi-typescript';

/** The lines a generated part aims for (a single member longer than this stays whole; the house ceiling is 250). */
export const SPLIT_BUDGET = 200;

/** A generated file: its name (relative to src/client/openapi/) and its declarations. */
export interface GeneratedPart {
  readonly name: string;
  readonly text: string;
}

const f = ts.factory;
const exported = [f.createModifier(ts.SyntaxKind.ExportKeyword)];

function lines(nodes: readonly ts.Node[]): number {
  return astToString(nodes as ts.Node[]).split('\n').length;
}

function memberName(member: ts.TypeElement): string {
  const name = member.name;
  if (name === undefined) return 'member';
  if (ts.isIdentifier(name) || ts.isStringLiteral(name)) return name.text;
  return 'member';
}

function interfaceOf(
  name: string,
  members: readonly ts.TypeElement[],
  heritage: readonly string[] = [],
): ts.InterfaceDeclaration {
  const clauses =
    heritage.length === 0
      ? undefined
      : [
          f.createHeritageClause(
            ts.SyntaxKind.ExtendsKeyword,
            heritage.map((h) => f.createExpressionWithTypeArguments(f.createIdentifier(h), [])),
          ),
        ];
  return f.createInterfaceDeclaration(exported, name, undefined, clauses, members);
}

/** Greedy chunks of `members`, each printing within the budget (a lone oversized member stays alone). */
function chunk(members: readonly ts.TypeElement[]): ts.TypeElement[][] {
  const chunks: ts.TypeElement[][] = [];
  let current: ts.TypeElement[] = [];
  for (const member of members) {
    const next = [...current, member];
    if (current.length > 0 && lines([interfaceOf('x', next)]) > SPLIT_BUDGET) {
      chunks.push(current);
      current = [member];
    } else current = next;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * `name` with `members`, as one declaration in the index (kept whole when short) plus the parts it
 * extends; members too long for a part are replaced by a reference to their own split interface.
 */
function split(
  name: string,
  members: readonly ts.TypeElement[],
  parts: ts.InterfaceDeclaration[],
): ts.InterfaceDeclaration {
  const fitted = members.map((member) => {
    if (
      lines([interfaceOf('x', [member])]) <= SPLIT_BUDGET ||
      !ts.isPropertySignature(member) ||
      member.type === undefined ||
      !ts.isTypeLiteralNode(member.type)
    )
      return member;
    const inner = `${name}_${memberName(member)}`;
    parts.push(split(inner, member.type.members, parts));
    return f.updatePropertySignature(
      member,
      member.modifiers,
      member.name,
      member.questionToken,
      f.createTypeReferenceNode(inner),
    );
  });
  const whole = interfaceOf(name, fitted);
  if (lines([whole]) <= SPLIT_BUDGET) return whole;
  const names = chunk(fitted).map((members, index) => {
    const part = `${name}_part${index + 1}`;
    parts.push(interfaceOf(part, members));
    return part;
  });
  return interfaceOf(name, [], names);
}

/** The index's declarations and the part interfaces, from openapi-typescript's top-level nodes. */
export function splitDeclarations(nodes: readonly ts.Node[]): {
  readonly index: ts.Node[];
  readonly parts: ts.InterfaceDeclaration[];
} {
  const parts: ts.InterfaceDeclaration[] = [];
  const index = nodes.map((node) =>
    ts.isInterfaceDeclaration(node) ? split(node.name.text, node.members, parts) : node,
  );
  return { index, parts };
}

/** The file name of a part interface: `components_schemas_part2` → `components-schemas-part2.ts`. */
export function partFileName(part: ts.InterfaceDeclaration): string {
  return `${part.name.text.replace(/_/g, '-').replace(/^\$/, '')}.ts`;
}

/**
 * The names a piece of generated text refers to: top-level names used as `components["schemas"]`,
 * part names as identifiers. Names declared in the text itself are the caller's to leave out.
 */
export function referencedNames(
  text: string,
  topLevel: readonly string[],
  partNames: readonly string[],
): string[] {
  const escape = (name: string): string => name.replace(/\$/g, '\\$');
  return [
    ...topLevel.filter((name) => new RegExp(`(^|[^\\w$])${escape(name)}\\[`).test(text)),
    ...partNames.filter((name) => new RegExp(`(^|[^\\w$])${escape(name)}\\b`).test(text)),
  ];
}
