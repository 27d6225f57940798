import { describe, expect, it } from 'vitest';
import { describeUploadError, precheckUpload } from './describe-upload-error';

const policy = { maxFileBytes: 20 * 1024 * 1024, extensions: ['.txt', '.md', '.markdown', '.html', '.htm', '.docx', '.pdf'] };

describe('describeUploadError', () => {
  it('names the file and the reason the server gave, in Chinese', () => {
    expect(describeUploadError({ code: 'unreadable_file', details: { reason: 'damaged' } }, '年报.pdf')).toBe('「年报.pdf」无法读取，文件可能已损坏或已加密，没有添加。');
    expect(describeUploadError({ code: 'unsupported_file_type', details: { reason: 'content:docx' } }, '通知.pdf')).toBe('「通知.pdf」的内容与扩展名不符（实际是Word 文档），没有添加。');
    expect(describeUploadError({ code: 'file_too_large' }, '扫描件.pdf')).toBe('「扫描件.pdf」超过 20 MB 的上限，没有添加。');
    expect(describeUploadError({ code: 'conflict:duplicate_document', details: { title: '关于开展巡检的通知' } }, 'a.docx')).toBe('「a.docx」已在文件库中（《关于开展巡检的通知》），没有重复添加。');
    expect(describeUploadError({ code: 'unreadable_file', details: { reason: 'no_text_layer' } }, '扫描.pdf')).toContain('OCR');
  });

  it('falls back to the general wording for other failures', () => {
    expect(describeUploadError({ code: 'forbidden:cross_site' }, 'a.txt')).toBe('只能在运行本服务的电脑上更改文件库，请联系系统管理员。');
  });
});

describe('precheckUpload', () => {
  it('stops a file the server would refuse before sending it', () => {
    expect(precheckUpload({ name: '大.pdf', size: 50 * 1024 * 1024 }, policy)).toEqual({ code: 'file_too_large', details: { reason: 'too_large' } });
    expect(precheckUpload({ name: '旧.doc', size: 10 }, policy)).toEqual({ code: 'unsupported_file_type', details: { reason: 'old_word' } });
    expect(precheckUpload({ name: '无扩展名', size: 10 }, policy)?.code).toBe('unsupported_file_type');
    expect(precheckUpload({ name: '通知.DOCX', size: 10 }, policy)).toBeNull();
  });
});
