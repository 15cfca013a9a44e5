/**
 * The headless API reference from the TypeScript sources: for each entry point, every exported
 * class, function, interface, type and constant with its JSDoc, and the public members of classes
 * and interfaces with their signatures. Used by scripts/gen-api-docs.mjs (docs/api/core.md).
 */
import ts from 'typescript';

/** Entry points of the package, as users import them. */
export const ENTRY_POINTS = [
  { module: 'co-guest-kit/core', file: 'src/core/index.ts' },
  { module: 'co-guest-kit (media)', file: 'src/media/index.ts' },
  { module: 'co-guest-kit/local', file: 'src/local/index.ts' },
  { module: 'co-guest-kit/server', file: 'src/server/index.ts' },
];

/** @param {string} text */
const oneLine = (text) => text.replace(/\s+/g, ' ').trim();
/** @param {string} text */
const cell = (text) => oneLine(text).replace(/\|/g, '\\|');

/**
 * @param {ts.TypeChecker} checker
 * @param {ts.Symbol} symbol
 */
function docOf(checker, symbol) {
  return ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
}

/**
 * @param {ts.Declaration} declaration
 */
function isPublic(declaration) {
  const flags = ts.getCombinedModifierFlags(declaration);
  if (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) return false;
  const name = /** @type {any} */ (declaration).name;
  return !(name && ts.isPrivateIdentifier(name));
}

/**
 * The public members of a class or interface, as table rows `[signature, description]`.
 * @param {ts.TypeChecker} checker
 * @param {ts.Symbol} symbol
 * @param {ts.Node} node
 */
function members(checker, symbol, node) {
  /** @type {string[][]} */
  const rows = [];
  const container = /** @type {ts.ClassDeclaration | ts.InterfaceDeclaration} */ (node);
  for (const member of container.members ?? []) {
    if (!isPublic(member) || ts.isConstructorDeclaration(member) || ts.isClassStaticBlockDeclaration(member))
      continue;
    const memberSymbol = /** @type {any} */ (member).symbol;
    if (!memberSymbol) continue;
    const isStatic = ts.getCombinedModifierFlags(member) & ts.ModifierFlags.Static ? 'static ' : '';
    let signature;
    if (ts.isMethodDeclaration(member) || ts.isMethodSignature(member)) {
      const sig = checker.getSignatureFromDeclaration(member);
      signature = `${member.name.getText()}${sig ? checker.signatureToString(sig) : '()'}`;
    } else if (ts.isGetAccessorDeclaration(member)) {
      signature = `get ${member.name.getText()}: ${checker.typeToString(checker.getTypeAtLocation(member))}`;
    } else if (ts.isSetAccessorDeclaration(member)) {
      continue;
    } else {
      const optional = /** @type {any} */ (member).questionToken ? '?' : '';
      const readonly = ts.getCombinedModifierFlags(member) & ts.ModifierFlags.Readonly ? 'readonly ' : '';
      signature = `${readonly}${member.name?.getText() ?? ''}${optional}: ${checker.typeToString(
        checker.getTypeOfSymbolAtLocation(memberSymbol, member),
      )}`;
    }
    rows.push([`\`${cell(isStatic + signature)}\``, cell(docOf(checker, memberSymbol))]);
  }
  void symbol;
  return rows;
}

/**
 * Markdown for every entry point.
 * @param {string} root absolute path of the repository, with a trailing slash
 * @returns {string}
 */
export function renderSourcesApi(root) {
  const files = ENTRY_POINTS.map((entry) => root + entry.file);
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  /** @type {string[]} */
  const out = [];
  for (const entry of ENTRY_POINTS) {
    const source = program.getSourceFile(root + entry.file);
    if (!source) continue;
    const moduleSymbol = checker.getSymbolAtLocation(source);
    if (!moduleSymbol) continue;
    out.push(`## \`${entry.module}\``, '');
    const exports = checker
      .getExportsOfModule(moduleSymbol)
      .map((exported) => ({
        name: exported.getName(),
        symbol: exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    for (const { name, symbol } of exports) {
      const declaration = symbol.declarations?.[0];
      if (!declaration) continue;
      const doc = docOf(checker, symbol);
      if (ts.isClassDeclaration(declaration) || ts.isInterfaceDeclaration(declaration)) {
        const kind = ts.isClassDeclaration(declaration) ? 'class' : 'interface';
        out.push(`### ${kind} \`${name}\``, '');
        if (doc) out.push(doc, '');
        const rows = members(checker, symbol, declaration);
        if (rows.length > 0) {
          out.push(
            '| member | description |',
            '| --- | --- |',
            ...rows.map(([a, b]) => `| ${a} | ${b} |`),
            '',
          );
        }
      } else if (ts.isFunctionDeclaration(declaration)) {
        const sig = checker.getSignatureFromDeclaration(declaration);
        out.push(
          `### function \`${name}\``,
          '',
          '```ts',
          `${name}${sig ? checker.signatureToString(sig) : '()'}`,
          '```',
          '',
        );
        if (doc) out.push(doc, '');
      } else if (ts.isTypeAliasDeclaration(declaration)) {
        out.push(`### type \`${name}\``, '', '```ts', oneLine(declaration.type.getText()), '```', '');
        if (doc) out.push(doc, '');
      } else if (ts.isEnumDeclaration(declaration)) {
        out.push(`### enum \`${name}\``, '');
        if (doc) out.push(doc, '');
      } else if (ts.isVariableDeclaration(declaration)) {
        const type = checker.typeToString(checker.getTypeOfSymbolAtLocation(symbol, declaration));
        out.push(`### const \`${name}\``, '', '```ts', `${name}: ${oneLine(type)}`, '```', '');
        if (doc) out.push(doc, '');
      }
    }
  }
  return out.join('\n');
}
