// Reads HTML the way a browser does (parse5: the WHATWG HTML parsing algorithm), for the tests of
// the HTML report and of the HTML that Markdown renders to: the parse errors a document has (valid
// HTML5 has none) and the elements, attributes and text that come out, so tests assert on what a
// reader sees rather than on substrings of the source.
import { parse, parseFragment, type DefaultTreeAdapterMap, type ParserError } from 'parse5';

type Node = DefaultTreeAdapterMap['node'];
export type Element = DefaultTreeAdapterMap['element'];

export interface HtmlDoc { errors: ParserError[]; root: Node }

/** A whole document, with every parse error the HTML standard defines. */
export function parseDocument(html: string): HtmlDoc {
  const errors: ParserError[] = [];
  return { errors, root: parse(html, { onParseError: (e) => errors.push(e) }) };
}

/** A fragment such as the output of a Markdown renderer. */
export function parseHtmlFragment(html: string): HtmlDoc {
  const errors: ParserError[] = [];
  return { errors, root: parseFragment(html, { onParseError: (e) => errors.push(e) }) };
}

const childrenOf = (n: Node): Node[] => ('childNodes' in n ? n.childNodes : []).concat('content' in n && n.content ? n.content.childNodes : []);
const isElement = (n: Node): n is Element => 'tagName' in n;

/** Every element under `root` (document order), optionally only those with this tag. */
export function elements(root: Node, tag?: string): Element[] {
  const out: Element[] = [];
  const walk = (n: Node) => {
    if (isElement(n) && (tag === undefined || n.tagName === tag)) out.push(n);
    for (const c of childrenOf(n)) walk(c);
  };
  for (const c of childrenOf(root)) walk(c);
  return out;
}

/** Direct child elements with this tag. */
export function children(el: Node, tag: string): Element[] {
  return childrenOf(el).filter((c): c is Element => isElement(c) && c.tagName === tag);
}

/** The text a reader sees (textContent), with runs of whitespace as one space. */
export function textOf(n: Node): string {
  const parts: string[] = [];
  const walk = (x: Node) => {
    if (x.nodeName === '#text' && 'value' in x) parts.push(x.value);
    if (isElement(x) && x.tagName === 'br') parts.push('\n');
    for (const c of childrenOf(x)) walk(c);
  };
  walk(n);
  return parts.join('').replace(/[ \t]+/g, ' ').trim();
}

export function attr(el: Element, name: string): string | undefined {
  return el.attrs.find((a) => a.name === name)?.value;
}

/** Rows of a table as cell texts (header row first). */
export function tableRows(table: Element): string[][] {
  return elements(table, 'tr').map((tr) => childrenOf(tr).filter((c): c is Element => isElement(c) && (c.tagName === 'td' || c.tagName === 'th')).map(textOf));
}
