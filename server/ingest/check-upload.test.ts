// What an upload must be to be accepted: the type its content shows, within the size limit, in a text
// encoding ingestion reads, and parseable into text. Every refusal names the file and a reason code.
import { Document, Packer, Paragraph } from 'docx';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { chinesePdf } from '../test-support/chinese-pdf';
import { encodeGb18030 } from '../test-support/gb18030';
import { baseName, checkUpload, sniffContent, uploadLimits } from './check-upload';

const notice = ['关于开展农村饮水安全巡检工作的通知', '一、巡检范围', '各乡镇对辖区内集中供水工程开展巡检，水质合格率要达到98%以上。'];
const utf8 = (text: string) => new TextEncoder().encode(text);

async function refusal(name: string, bytes: Uint8Array) {
  const error = await checkUpload({ name, bytes }).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error, `${name} should be refused`).toBeInstanceOf(AppError);
  const { code, message, details } = error as AppError;
  return { code, message, reason: details?.reason, file: details?.file };
}

async function wordDocument(lines: string[]): Promise<Uint8Array> {
  return new Uint8Array(await Packer.toBuffer(new Document({ sections: [{ children: lines.map((line) => new Paragraph(line)) }] })));
}

describe('checkUpload accepts', () => {
  it('every supported format whose content is what its name says, with the text it holds', async () => {
    const files: [string, Uint8Array][] = [
      ['通知.txt', utf8(notice.join('\n'))],
      ['通知-gbk.txt', encodeGb18030(notice.join('\n'))],
      ['通知.md', utf8(`# ${notice[0]}\n\n## ${notice[1]}\n\n${notice[2]}\n`)],
      ['通知.html', utf8(`<html><body><h1>${notice[0]}</h1><p>${notice[1]}</p><p>${notice[2]}</p></body></html>`)],
      ['通知.DOCX', await wordDocument(notice)],
      ['通知.pdf', chinesePdf(notice)],
    ];
    for (const [name, bytes] of files) {
      const checked = await checkUpload({ name, bytes });
      expect(checked.raw, name).toContain('水质合格率要达到98%以上');
      expect(checked.extension).toBe(name.slice(name.lastIndexOf('.')).toLowerCase());
    }
  });

  it('keeps only the last segment of a name that carries a path', () => {
    expect(baseName('../../etc/通知.txt')).toBe('通知.txt');
    expect(baseName('C:\\Users\\张三\\Desktop\\通知.docx')).toBe('通知.docx');
  });
});

describe('checkUpload refuses', () => {
  it('a file over the size limit before reading it', async () => {
    const big = new Uint8Array(uploadLimits.fileBytes + 1);
    expect(await refusal('大文件.pdf', big)).toMatchObject({ code: 'file_too_large', reason: 'too_large', file: '大文件.pdf' });
  });

  it('extensions it cannot read, pointing an old .doc at .docx', async () => {
    expect(await refusal('a.rtf', utf8('{\\rtf1 x}'))).toMatchObject({ code: 'unsupported_file_type', reason: 'extension' });
    const doc = await refusal('旧文件.doc', Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]));
    expect(doc).toMatchObject({ code: 'unsupported_file_type', reason: 'old_word' });
    expect(doc.message).toContain('Save it as .docx');
  });

  it('content that is not what the name says', async () => {
    expect(await refusal('伪装.pdf', utf8(notice.join('\n')))).toMatchObject({ code: 'unsupported_file_type', reason: 'content:text' });
    expect(await refusal('伪装.txt', chinesePdf(notice))).toMatchObject({ code: 'unsupported_file_type', reason: 'content:pdf' });
    expect(await refusal('伪装.docx', Uint8Array.from([0x50, 0x4b, 0x03, 0x04, ...utf8('other/file.xml')]))).toMatchObject({ reason: 'content:zip' });
    expect(await refusal('二进制.md', Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1]))).toMatchObject({ reason: 'content:binary' });
    expect(await refusal('utf16.txt', Uint8Array.from([0xff, 0xfe, 0x73, 0x51, 0x8e, 0x4e]))).toMatchObject({ reason: 'content:utf16' });
  });

  it('text in neither UTF-8 nor GB18030', async () => {
    const mangled = Uint8Array.from({ length: 400 }, (_, i) => (i % 2 === 0 ? 0xff : 0x41));
    expect(await refusal('乱码.txt', mangled)).toMatchObject({ code: 'unreadable_file', reason: 'encoding' });
  });

  it('a damaged PDF, a PDF without a text layer, and an empty file', async () => {
    const pdf = chinesePdf(notice);
    expect(await refusal('损坏.pdf', pdf.slice(0, Math.floor(pdf.length / 2)))).toMatchObject({ code: 'unreadable_file', reason: 'damaged' });
    const scanned = await PDFDocument.create();
    scanned.addPage();
    expect(await refusal('扫描件.pdf', await scanned.save())).toMatchObject({ code: 'unreadable_file', reason: 'no_text_layer' });
    expect(await refusal('空.txt', new Uint8Array())).toMatchObject({ code: 'unreadable_file', reason: 'empty' });
  });

  it('a damaged Word document', async () => {
    const word = await wordDocument(notice);
    expect(await refusal('损坏.docx', word.slice(0, 600))).toMatchObject({ code: 'unreadable_file', reason: 'damaged' });
  });
});

describe('sniffContent', () => {
  it('reads the type from the first bytes, not the name', async () => {
    expect(sniffContent(chinesePdf(['通知']))).toBe('pdf');
    expect(sniffContent(await wordDocument(['通知']))).toBe('docx');
    expect(sniffContent(utf8('  \n%PDF-1.4 after whitespace'))).toBe('pdf');
    expect(sniffContent(utf8('这份说明提到 %PDF- 但不是 PDF'))).toBe('text');
  });
});
