/**
 * A strict XML well-formedness check for tests (no XML parser is installed): one root element, tags
 * balanced and properly nested, attributes quoted and unique per element, only the five predefined entities
 * or numeric references, no stray `<` or `&` in text. Returns the element names in document order.
 */
export function checkWellFormedXml(text: string): string[] {
  const elements: string[] = [];
  const open: string[] = [];
  let i = 0;
  let roots = 0;
  const name = /^[A-Za-z_][\w.:-]*/;
  const fail = (why: string): never => {
    throw new Error(`not well-formed XML at offset ${i}: ${why}: ${JSON.stringify(text.slice(i, i + 40))}`);
  };
  const checkEntities = (chunk: string): void => {
    if (/&(?!(?:lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(chunk)) fail('bare & or unknown entity');
  };
  const checkText = (chunk: string): void => {
    checkEntities(chunk);
    if (open.length === 0 && chunk.trim() !== '') fail('text outside the root element');
  };
  if (text.startsWith('<?xml')) {
    const end = text.indexOf('?>');
    if (end < 0) fail('unterminated XML declaration');
    i = end + 2;
  }
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt < 0) {
      checkText(text.slice(i));
      break;
    }
    checkText(text.slice(i, lt));
    i = lt;
    if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i);
      if (end < 0) fail('unterminated comment');
      i = end + 3;
      continue;
    }
    if (text.startsWith('</', i)) {
      const match = name.exec(text.slice(i + 2));
      if (match === null) fail('bad end tag');
      const tag = match![0];
      if (open.pop() !== tag) fail(`end tag </${tag}> does not match`);
      i += 2 + tag.length;
      while (text[i] === ' ') i++;
      if (text[i] !== '>') fail('bad end tag');
      i++;
      continue;
    }
    const match = name.exec(text.slice(i + 1));
    if (match === null) fail('bad start tag');
    const tag = match![0];
    elements.push(tag);
    if (open.length === 0 && ++roots > 1) fail('more than one root element');
    i += 1 + tag.length;
    const seen = new Set<string>();
    for (;;) {
      while (/\s/.test(text[i] ?? '')) i++;
      if (text.startsWith('/>', i)) {
        i += 2;
        break;
      }
      if (text[i] === '>') {
        open.push(tag);
        i++;
        break;
      }
      const attr = name.exec(text.slice(i));
      if (attr === null) fail(`bad attribute in <${tag}>`);
      const attrName = attr![0];
      if (seen.has(attrName)) fail(`duplicate attribute ${attrName}`);
      seen.add(attrName);
      i += attrName.length;
      if (text[i] !== '=') fail(`attribute ${attrName} has no value`);
      const quote = text[i + 1];
      if (quote !== '"' && quote !== "'") fail(`attribute ${attrName} is not quoted`);
      const end = text.indexOf(quote!, i + 2);
      if (end < 0) fail('unterminated attribute value');
      const value = text.slice(i + 2, end);
      if (value.includes('<')) fail('< in attribute value');
      checkEntities(value);
      i = end + 1;
    }
  }
  if (open.length > 0) fail(`unclosed elements: ${open.join(', ')}`);
  if (roots !== 1) fail('no root element');
  return elements;
}
