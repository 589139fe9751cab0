import { splitNumberList } from '../../../src/domain/number-list';

describe('splitNumberList', () => {
  it('splits the documented Digidonar list', () => {
    expect(splitNumberList('80691xxx5, 00911206xx5, 0120685xxxx, 00911206xxx9')).toEqual([
      '80691xxx5',
      '00911206xx5',
      '0120685xxxx',
      '00911206xxx9',
    ]);
  });

  it('tolerates extra commas, semicolons, line breaks and whitespace', () => {
    expect(splitNumberList(' ,80691xxx5,,  00911206xx5 ;0120685xxxx;\n00911206xxx9, ')).toEqual([
      '80691xxx5',
      '00911206xx5',
      '0120685xxxx',
      '00911206xxx9',
    ]);
  });

  it('does not split on spaces inside a number', () => {
    expect(splitNumberList('0120 685 1234, +91 120 685 1235')).toEqual(['0120 685 1234', '+91 120 685 1235']);
  });

  it('keeps a single number', () => {
    expect(splitNumberList('01206851234')).toEqual(['01206851234']);
  });

  it.each([[null], [undefined], [''], ['   '], [', ;,']])('gives an empty list for %j', (raw) => {
    expect(splitNumberList(raw)).toEqual([]);
  });
});
