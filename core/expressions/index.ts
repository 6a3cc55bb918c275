/**
 * The expression language: one import for the evaluator (core/observables), the analysis validator and the
 * language server. See ast.ts for the tree and its semantics, catalog.ts for names, check.ts for shapes.
 */
export * from './ast';
export { lex, type Token, type TokenKind, type LexResult } from './lexer';
export { parseExpression, parseCut, parseObjectSelection, type ParseOptions } from './parser';
export { checkExpression, objectDomain, isCollective, innermostObject, type CheckOptions, type CheckResult, type ExprContext, type Shape } from './check';
export * from './catalog';

import type { ExprNode, ObjectRefNode, TextRange } from './ast';
import { walkExpression } from './ast';

/** What sits at an offset: the deepest node, and for observables which part (object name, child, observable). */
export interface NodeAt {
  node: ExprNode;
  /** Set when the offset is on an object reference (a top-level one or a child such as `constituents`). */
  object?: ObjectRefNode;
  /** True when the offset is on the observable name of an `observable` node. */
  onObservableName?: boolean;
}

const inside = (r: TextRange, offset: number): boolean => offset >= r.start && offset <= r.end;

/** The deepest node whose range contains `offset` (end inclusive, so a cursor just after a name finds it). */
export function findNodeAt(ast: ExprNode, offset: number): NodeAt | undefined {
  let found: ExprNode | undefined;
  walkExpression(ast, (n) => {
    if (inside(n.range, offset)) found = n;
  });
  if (!found) return undefined;
  const result: NodeAt = { node: found };
  if (found.kind === 'observable') {
    if (found.nameRange && inside(found.nameRange, offset)) result.onObservableName = true;
    for (const o of found.objects) {
      let r: ObjectRefNode | undefined = o;
      while (r) {
        const own = { start: r.nameRange.start, end: r.child ? r.child.range.start - 1 : r.range.end };
        if (inside(own, offset)) result.object = r;
        r = r.child;
      }
    }
  }
  return result;
}
export { expressionTokens, expressionHover, expressionCompletions, type ExprToken, type ExprTokenType, type ExprHover, type ExprCompletion } from './services';
