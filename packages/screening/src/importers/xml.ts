import { SaxesParser } from 'saxes';
import { ListImportFailure } from '../model.ts';
import { type ByteSource, textChunks } from './input.ts';

/** A small element tree, built only for one record at a time. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

export interface XmlStreamOptions {
  /** Local names of the elements that are one list entry each. */
  records: ReadonlySet<string>;
  /** Local names of elements outside records whose text is wanted (e.g. a publish date). */
  capture?: ReadonlySet<string>;
  /** The root element name the format must have, to reject a file of the wrong format early. */
  root: string | readonly string[];
  formatName: string;
}

export interface XmlStreamSummary {
  rootAttrs: Record<string, string>;
  captured: Map<string, string>;
}

function localName(name: string): string {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
}

/**
 * Streams an XML file through saxes (a strict, well-kept streaming parser), calling onRecord for
 * each record element. Any well-formedness error, including a file cut short, rejects the whole
 * file: a partial list must never replace a complete one.
 */
export async function streamXmlRecords(
  source: ByteSource,
  options: XmlStreamOptions,
  onRecord: (record: XmlElement) => void,
): Promise<XmlStreamSummary> {
  const parser = new SaxesParser({ xmlns: false, position: true });
  const roots = typeof options.root === 'string' ? [options.root] : options.root;
  let failure: ListImportFailure | undefined;
  let rootSeen = false;
  let rootAttrs: Record<string, string> = {};
  const captured = new Map<string, string>();
  const stack: XmlElement[] = [];
  let recordDepth = -1;
  let depth = 0;
  let captureName: string | undefined;
  let closing = false;

  parser.on('error', (e) => {
    if (failure) return;
    const message = e.message;
    const truncated = closing || /unclosed|unexpected end/i.test(message);
    failure = new ListImportFailure(
      truncated ? 'LIST_TRUNCATED' : 'LIST_MALFORMED',
      truncated
        ? `The ${options.formatName} file ends before its last element is closed (truncated download?): ${message}`
        : `The ${options.formatName} file is not well-formed XML: ${message}`,
    );
  });
  parser.on('opentag', (node) => {
    const name = localName(node.name);
    depth++;
    if (!rootSeen) {
      rootSeen = true;
      if (!roots.includes(name)) {
        failure ??= new ListImportFailure(
          'LIST_WRONG_FORMAT',
          `Expected a ${options.formatName} file (root element ${roots.join(' or ')}), found <${name}>.`,
        );
      }
      rootAttrs = node.attributes as Record<string, string>;
      return;
    }
    if (recordDepth < 0 && options.records.has(name)) recordDepth = depth;
    if (recordDepth > 0) {
      const el: XmlElement = {
        name,
        attrs: node.attributes as Record<string, string>,
        children: [],
        text: '',
      };
      stack.at(-1)?.children.push(el);
      stack.push(el);
    } else if (options.capture?.has(name)) {
      captureName = name;
    }
  });
  parser.on('text', (text) => {
    const top = stack.at(-1);
    if (top) top.text += text;
    else if (captureName) captured.set(captureName, (captured.get(captureName) ?? '') + text);
  });
  parser.on('cdata', (text) => {
    const top = stack.at(-1);
    if (top) top.text += text;
  });
  parser.on('closetag', () => {
    if (recordDepth > 0) {
      const el = stack.pop();
      if (depth === recordDepth && el) {
        recordDepth = -1;
        if (!failure) onRecord(el);
      }
    }
    captureName = undefined;
    depth--;
  });

  for await (const chunk of textChunks(source)) {
    parser.write(chunk.charCodeAt(0) === 0xfeff ? chunk.slice(1) : chunk);
    if (failure) throw failure;
  }
  closing = true;
  parser.close();
  if (failure) throw failure;
  if (!rootSeen) throw new ListImportFailure('LIST_EMPTY', `The ${options.formatName} file is empty.`);
  return { rootAttrs, captured };
}

/** Helpers to read a record tree without ceremony. */
export function child(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name);
}

export function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}

export function textOf(el: XmlElement | undefined, name?: string): string | undefined {
  const target = name === undefined ? el : el && child(el, name);
  const t = target?.text.replace(/\s+/g, ' ').trim();
  return t ? t : undefined;
}

/** Every descendant with this name, at any depth. */
export function descendants(el: XmlElement, name: string, out: XmlElement[] = []): XmlElement[] {
  for (const c of el.children) {
    if (c.name === name) out.push(c);
    descendants(c, name, out);
  }
  return out;
}
