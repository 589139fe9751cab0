import { parseStorageSize } from '../../../src/domain/storage-size';

describe('parseStorageSize', () => {
  it.each([
    ['3GB', '3', 'GB', 3],
    ['7GB', '7', 'GB', 7],
    ['7 GB', '7', 'GB', 7],
    ['512MB', '512', 'MB', 0.512],
    ['1TB', '1', 'TB', 1000],
    ['1.5gb', '1.5', 'GB', 1.5],
    ['0.5 tb', '0.5', 'TB', 500],
    ['  3GB ', '3', 'GB', 3],
    ['0GB', '0', 'GB', 0],
    ['1MB', '1', 'MB', 0.001],
    ['1.10GB', '1.10', 'GB', 1.1],
  ])('reads %j in decimal units', (raw, value, unit, gigabytes) => {
    expect(parseStorageSize(raw)).toEqual({ raw, value, unit, gigabytes });
  });

  it.each([[''], ['3'], ['GB'], ['3 G'], ['3GiB'], ['3KB'], ['-3GB'], ['1,5GB'], ['3 GB extra'], ['.5GB'], ['unlimited']])(
    'keeps only the raw value of %j',
    (raw) => {
      expect(parseStorageSize(raw)).toEqual({ raw, value: null, unit: null, gigabytes: null });
    },
  );
});
