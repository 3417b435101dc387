include "Values.dfy"

// The core expression language: exactly the constructors of Lean's `Expr`.
// Surface forms (!=, >, >=, `is ... in`, extended `has`, policy scopes) are
// desugared into these before evaluation (see json/Est.dfy).
module Syntax {
  import opened Values

  datatype Var = Principal | Action | Resource | Context

  // A `like` pattern: literal characters and the `*` wildcard.
  datatype PatElem = Star | JustChar(c: char)
  type Pattern = seq<PatElem>

  datatype UnaryOp = Not | Neg | IsEmpty | Like(pattern: Pattern) | Is(entityType: string)

  datatype BinaryOp =
    | Eq | Mem | HasTag | GetTag | Less | LessEq | Add | Sub | Mul
    | Contains | ContainsAll | ContainsAny

  datatype Expr =
    | Lit(v: Value)
    | Var(x: Var)
    | Ite(cond: Expr, thenE: Expr, elseE: Expr)
    | And(left: Expr, right: Expr)
    | Or(left: Expr, right: Expr)
    | UnaryApp(uop: UnaryOp, arg: Expr)
    | BinaryApp(bop: BinaryOp, lhs: Expr, rhs: Expr)
    | GetAttr(obj: Expr, attr: string)
    | HasAttr(target: Expr, name: string)
    | SetE(elems: seq<Expr>)
    | RecordE(fields: seq<(string, Expr)>)   // evaluated in this order (sorted by key)
    | Call(fn: string, args: seq<Expr>)      // extension function or method
}
