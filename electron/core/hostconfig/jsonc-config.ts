import { isDeepStrictEqual } from 'node:util';
import { applyEdits, createScanner, findNodeAtLocation, getNodeValue, modify, parseTree, printParseErrorCode, type Edit, type FormattingOptions, type Node, type ParseError } from 'jsonc-parser';
import { BurrowError } from '../errors.js';

/**
 * Reading and editing MCP hosts' config files in place, with Microsoft's jsonc-parser (the parser
 * VS Code itself uses). Edits are text edits: comments, trailing commas, key order and the person's
 * formatting outside Burrow's own entries are kept byte for byte.
 */

export type JsonObject = Record<string, unknown>;

export interface ConfigDocument {
  path: string;
  /** The file's text without a leading byte-order mark (added back on write). */
  text: string;
  bom: string;
  /** Comments and trailing commas allowed (VS Code, Cursor, Claude Code); false: strict JSON (Claude Desktop). */
  jsonc: boolean;
  /** Where the host keeps its servers: `mcpServers`, or `servers` in VS Code. */
  serversKey: string;
  /** `{}` for an empty or missing file. */
  value: JsonObject;
}

const CHANGED_NOTHING = 'fix it (or move the file away), then run this again (Burrow changed nothing)';

/** Parses a host's config; a file that does not parse is refused with path:line:column and what is wrong there. */
export function parseConfig(path: string, fileText: string, opts: { jsonc: boolean; serversKey: string; hostLabel?: string }): ConfigDocument {
  const bom = fileText.startsWith('\uFEFF') ? '\uFEFF' : '';
  const text = fileText.slice(bom.length);
  const doc: ConfigDocument = { path, text, bom, jsonc: opts.jsonc, serversKey: opts.serversKey, value: {} };
  if (text.trim() === '') return doc;
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: opts.jsonc, disallowComments: !opts.jsonc, allowEmptyContent: true });
  if (errors.length > 0) throw new BurrowError(describeParseError(path, text, errors[0], opts.jsonc, opts.hostLabel), 'config');
  if (!tree || tree.type !== 'object') {
    throw new BurrowError(`${path}:${position(text, tree?.offset ?? 0)}: the file must hold one JSON object ({ … }); ${CHANGED_NOTHING}`, 'config');
  }
  doc.value = getNodeValue(tree) as JsonObject;
  const servers = doc.value[opts.serversKey];
  if (servers !== undefined && (servers === null || typeof servers !== 'object' || Array.isArray(servers))) {
    const node = findNodeAtLocation(tree, [opts.serversKey]);
    throw new BurrowError(`${path}:${position(text, node?.offset ?? 0)}: "${opts.serversKey}" is not an object; ${CHANGED_NOTHING}`, 'config');
  }
  return doc;
}

/** The servers object (a copy), `{}` when the file has none yet. */
export function serversOf(doc: ConfigDocument): JsonObject {
  return { ...((doc.value[doc.serversKey] as JsonObject | undefined) ?? {}) };
}

/**
 * Adds or replaces one server entry; a no-op when the file already holds exactly that entry.
 * The entry is written in the file's indentation and line ends and nothing around it is touched
 * (jsonc-parser's `modify` reformats the neighbouring entry, so it is only the fallback for layouts
 * this does not handle, such as a servers object written on one line).
 */
export function setServer(doc: ConfigDocument, key: string, entry: JsonObject): ConfigDocument {
  if (isDeepStrictEqual(serversOf(doc)[key], entry)) return doc;
  const fmt = formattingOf(doc.text);
  const unit = fmt.insertSpaces ? ' '.repeat(fmt.tabSize) : '\t';
  if (doc.text.trim() === '') return reparse(doc, `${render({ [doc.serversKey]: { [key]: entry } }, '', unit, fmt.eol)}${fmt.eol}`);
  const text = doc.text;
  const tree = parseTree(text, [], { allowTrailingComma: true })!;
  const servers = findNodeAtLocation(tree, [doc.serversKey]);
  const existing = servers && findNodeAtLocation(tree, [doc.serversKey, key]);
  let edits: Edit[] | undefined;
  if (existing) {
    // Refresh in place: only the value changes, at the indentation of its key's line.
    edits = [{ offset: existing.offset, length: existing.length, content: render(entry, indentOf(text, existing.parent!.offset), unit, fmt.eol) }];
  } else if (servers) {
    edits = appendProperty(text, servers, key, entry, unit, fmt.eol);
  } else {
    edits = appendProperty(text, tree, doc.serversKey, { [key]: entry }, unit, fmt.eol);
  }
  edits ??= modify(text, [doc.serversKey, key], entry, { formattingOptions: fmt });
  return reparse(doc, applyEdits(text, edits));
}

/**
 * Edits that add `"key": value` as the last member of an object laid out one member per line, or
 * undefined for other layouts. The member before gains a comma if it had none; a file that ends its
 * members with trailing commas gets one after the new member too.
 */
function appendProperty(text: string, object: Node, key: string, value: unknown, unit: string, eol: string): Edit[] | undefined {
  const members = object.children ?? [];
  const objectIndent = indentOf(text, object.parent?.offset ?? object.offset);
  if (members.length === 0) {
    // `{}` or `{ }` over blank lines: the member goes on its own line, the brace on the next.
    if (!/^\{\s*\}$/.test(text.slice(object.offset, object.offset + object.length))) return undefined;
    const indent = objectIndent + unit;
    return [{ offset: object.offset, length: object.length, content: `{${eol}${indent}${JSON.stringify(key)}: ${render(value, indent, unit, eol)}${eol}${objectIndent}}` }];
  }
  const last = members[members.length - 1];
  const first = members[0];
  if (!startsLine(text, first.offset) || !startsLine(text, last.offset)) return undefined;
  const indent = indentOf(text, last.offset);
  const comma = nextComma(text, last.offset + last.length);
  const anchor = comma === undefined ? last.offset + last.length : comma + 1;
  // After the anchor only a line comment may stand before the line ends; the new member goes after it.
  const rest = /^[ \t]*(\/\/[^\r\n]*)?(?=\r?\n)/.exec(text.slice(anchor));
  if (!rest) return undefined;
  const member = `${eol}${indent}${JSON.stringify(key)}: ${render(value, indent, unit, eol)}${comma === undefined ? '' : ','}`;
  const edits: Edit[] = [];
  if (comma === undefined) edits.push({ offset: anchor, length: 0, content: ',' });
  edits.push({ offset: anchor + rest[0].length, length: 0, content: member });
  return edits;
}

/** A value as JSON in the file's indentation: its first line goes after a key, the rest start at `indent`. */
function render(value: unknown, indent: string, unit: string, eol: string): string {
  return JSON.stringify(value, null, unit).split('\n').join(`${eol}${indent}`);
}

/** The whitespace from the start of the line holding `offset` up to the first non-blank character. */
function indentOf(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}

function startsLine(text: string, offset: number): boolean {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*$/.test(text.slice(lineStart, offset));
}

/**
 * Removes one server entry with the whole lines it stands on (and its comma), so the diff is only
 * that entry. jsonc-parser's own removal leaves a stray comma behind when the file uses trailing commas.
 */
export function removeServer(doc: ConfigDocument, key: string): ConfigDocument {
  const tree = parseTree(doc.text, [], { allowTrailingComma: true });
  const valueNode = tree && findNodeAtLocation(tree, [doc.serversKey, key]);
  const property = valueNode?.parent;
  const object = property?.parent;
  if (!property || !object?.children) return doc;
  const text = doc.text;
  const index = object.children.indexOf(property);
  const edits: Edit[] = [];
  // The only entry, with nothing else between the braces: the object becomes `{}` again.
  if (object.children.length === 1) {
    const inside = text.slice(object.offset + 1, property.offset) + text.slice(property.offset + property.length, object.offset + object.length - 1);
    if (/^[\s,]*$/.test(inside)) return reparse(doc, applyEdits(text, [{ offset: object.offset, length: object.length, content: '{}' }]));
  }

  let start = property.offset;
  let end = property.offset + property.length;
  const comma = nextComma(text, end);
  if (comma !== undefined) end = comma + 1;
  // Whole lines when the entry stands on lines of its own.
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const restOfLine = /^[ \t]*(\r?\n|$)/.exec(text.slice(end));
  if (/^[ \t]*$/.test(text.slice(lineStart, start)) && restOfLine) {
    start = lineStart;
    end += restOfLine[0].length;
  }
  edits.push({ offset: start, length: end - start, content: '' });
  // The last entry had no comma of its own: the entry before it now ends the object, so its comma
  // goes (strict JSON allows no trailing comma).
  if (comma === undefined && index > 0) {
    const before = object.children[index - 1];
    const previousComma = nextComma(text, before.offset + before.length);
    if (previousComma !== undefined && previousComma < property.offset) edits.push({ offset: previousComma, length: 1, content: '' });
  }
  return reparse(doc, applyEdits(text, edits));
}

/** The text to write: the BOM the file had, then the edited text. Strict files are checked to still be strict JSON. */
export function configText(doc: ConfigDocument): string {
  if (!doc.jsonc && doc.text.trim() !== '') JSON.parse(doc.text);
  return doc.bom + doc.text;
}

function reparse(doc: ConfigDocument, text: string): ConfigDocument {
  return parseConfig(doc.path, doc.bom + text, { jsonc: doc.jsonc, serversKey: doc.serversKey });
}

/** The offset of the comma after `offset` when only whitespace or comments stand between. */
function nextComma(text: string, offset: number): number | undefined {
  const scanner = createScanner(text, true);
  scanner.setPosition(offset);
  const token = scanner.scan();
  // SyntaxKind.CommaToken is 5 (a const enum, which isolated modules cannot import).
  return token === 5 ? scanner.getTokenOffset() : undefined;
}

/** The file's own indentation and line ends (two spaces and \n for a new or flat file). */
export function formattingOf(text: string): FormattingOptions & { insertSpaces: boolean; tabSize: number; eol: string } {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indent = /\n([ \t]+)["/}\]]/.exec(text)?.[1];
  if (indent?.startsWith('\t')) return { insertSpaces: false, tabSize: 4, eol };
  return { insertSpaces: true, tabSize: indent ? indent.length : 2, eol };
}

/** 1-based line:column of an offset, as editors and compilers show it. */
export function position(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return `${line}:${column}`;
}

const WHAT: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'not a valid number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: 'expected ":"',
  CommaExpected: 'expected ","',
  CloseBraceExpected: 'expected "}"',
  CloseBracketExpected: 'expected "]"',
  EndOfFileExpected: 'unexpected text after the end of the JSON',
  UnexpectedEndOfComment: 'a comment that is never closed',
  UnexpectedEndOfString: 'a string that is never closed',
  UnexpectedEndOfNumber: 'a number that ends too soon',
  InvalidUnicode: 'an invalid \\u escape',
  InvalidEscapeCharacter: 'an invalid escape in a string',
  InvalidCharacter: 'a character that must be escaped in a string',
};

function describeParseError(path: string, text: string, error: ParseError, jsonc: boolean, hostLabel = 'This host'): string {
  const code = printParseErrorCode(error.error);
  if (code === 'InvalidCommentToken') {
    return `${path}:${position(text, error.offset)}: a comment, but ${hostLabel} reads strict JSON (no comments); remove it, then run this again (Burrow changed nothing)`;
  }
  // A trailing comma in a strict file: name the comma itself, not the bracket after it.
  if (!jsonc && (code === 'PropertyNameExpected' || code === 'ValueExpected') && /^[}\]]/.test(text.slice(error.offset))) {
    const comma = /,\s*$/.exec(text.slice(0, error.offset));
    if (comma) {
      return `${path}:${position(text, comma.index)}: a trailing comma, but ${hostLabel} reads strict JSON; remove it, then run this again (Burrow changed nothing)`;
    }
  }
  return `${path}:${position(text, error.offset)}: not valid ${jsonc ? 'JSON (with comments)' : 'JSON'}: ${WHAT[code] ?? code}; ${CHANGED_NOTHING}`;
}
