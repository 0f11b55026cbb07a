/**
 * Guesses a data set's kind from a path (for `relaxcert data inspect`): built-in names, a .nnet
 * network or a make-acasxu set, CIFAR binaries (a folder holding them or one of the files),
 * a Tiny-ImageNet folder, a folder of class folders, .csv, .npy (a file or an x_train.npy folder).
 */
import { existsSync, openSync, readSync, closeSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  GENERATOR_KINDS,
  isGeneratorKind,
  type DatasetKind,
} from '../../shared/config/dataset-kinds.ts';
import { RelaxCertError } from '../../shared/errors.ts';
import { ACAS_MAGIC } from './acasxu.ts';
import { detectCifar } from './cifar.ts';
import { findIdxFiles } from './idx.ts';
import { npyFolderPairs } from './npy.ts';
import { isTinyImagenet } from './tiny-imagenet.ts';

function startsWithMagic(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const b = Buffer.alloc(8);
    return readSync(fd, b, 0, 8, 0) === 8 && b.toString('latin1') === ACAS_MAGIC;
  } finally {
    closeSync(fd);
  }
}

export function detectKind(path: string): DatasetKind {
  if (isGeneratorKind(path) && !existsSync(path)) return path as DatasetKind;
  if (!existsSync(path))
    throw new RelaxCertError(
      'NOT_FOUND',
      `${path}: no such file or folder (nor a built-in data set: ${GENERATOR_KINDS.join(', ')})`,
      { file: path },
    );
  const lower = path.toLowerCase();
  const stat = statSync(path);
  if (stat.isFile()) {
    if (lower.endsWith('.nnet') || startsWithMagic(path)) return 'acasxu';
    if (lower.endsWith('.csv') || lower.endsWith('.tsv')) return 'csv';
    if (lower.endsWith('.npy')) return 'npy';
    if (lower.endsWith('.bin')) {
      const cifar = detectCifar(path);
      if (cifar) return cifar;
    }
    throw new RelaxCertError(
      'DATA_FORMAT',
      `${path}: cannot tell the format from the name (use --kind)`,
      { file: path },
    );
  }
  const cifar = detectCifar(path);
  if (cifar) return cifar;
  if (isTinyImagenet(path)) return 'tiny-imagenet';
  if (findIdxFiles(path)) return 'idx';
  const names = readdirSync(path);
  // Any .npy arrays: the reader then names the layouts it knows if none fits.
  if (npyFolderPairs(path) || names.some((n) => n.toLowerCase().endsWith('.npy'))) return 'npy';
  if (names.some((n) => !n.startsWith('.') && statSync(join(path, n)).isDirectory()))
    return 'image-folder';
  throw new RelaxCertError(
    'DATA_FORMAT',
    `${path}: folder holds no class folders, CIFAR or IDX files or .npy arrays (use --kind)`,
    { file: path },
  );
}
