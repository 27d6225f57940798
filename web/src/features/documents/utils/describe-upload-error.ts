// Plain Chinese for a refused upload or removal: what was wrong with which file, and what to do.
import { describeError, type ErrorInfo } from '../../../lib/api-error';
import { formatTitle } from '../../../lib/format';

const contentNames: Record<string, string> = {
  pdf: 'PDF 文件',
  docx: 'Word 文档',
  zip: '压缩包',
  ole: '旧版 Office 文件',
  utf16: 'UTF-16 编码的文本',
  binary: '二进制文件',
  text: '纯文本',
};

const megabytes = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

/** One sentence for a failed upload of `fileName`; the library is unchanged in every case. */
export function describeUploadError(info: ErrorInfo, fileName: string, { maxFileBytes = 20 * 1024 * 1024 }: { maxFileBytes?: number } = {}): string {
  const name = `「${fileName}」`;
  const reason = String(info.details?.reason ?? '');
  switch (info.code) {
    case 'file_too_large':
    case 'payload_too_large':
      return `${name}超过 ${megabytes(maxFileBytes)} 的上限，没有添加。`;
    case 'unsupported_file_type':
      if (reason === 'old_word') return `${name}是旧版 Word（.doc）文件，请先另存为 .docx 再添加。`;
      if (reason.startsWith('content:')) return `${name}的内容与扩展名不符（实际是${contentNames[reason.slice(8)] ?? '其他格式'}），没有添加。`;
      return `${name}的格式不受支持，请使用 .txt、.md、.html、.docx 或 .pdf 文件。`;
    case 'unreadable_file':
      if (reason === 'encoding') return `${name}不是 UTF-8 或 GB18030 编码的文本，请另存为 UTF-8 后再添加。`;
      if (reason === 'no_text_layer') return `${name}里没有可提取的文字，可能是扫描件，请先做文字识别（OCR）再添加。`;
      if (reason === 'empty' || reason === 'no_text') return `${name}是空文件，没有可收录的文字。`;
      if (reason === 'nothing_to_index') return `${name}去掉网页栏目等内容后没有可收录的正文，没有添加。`;
      return `${name}无法读取，文件可能已损坏${fileName.toLowerCase().endsWith('.pdf') ? '或已加密' : ''}，没有添加。`;
    case 'conflict:duplicate_document': {
      const title = info.details?.title;
      return `${name}已在文件库中${title ? `（${formatTitle(String(title))}）` : ''}，没有重复添加。`;
    }
    case 'network':
      return `${name}上传中断，请检查网络后重试。`;
    default:
      return describeError(info);
  }
}

/** Whether a file may be sent at all (its extension and size), before any request. */
export function precheckUpload(file: { name: string; size: number }, policy: { maxFileBytes: number; extensions: readonly string[] }): ErrorInfo | null {
  const dot = file.name.lastIndexOf('.');
  const extension = dot > 0 || (dot === 0 && file.name.length > 1) ? file.name.slice(dot).toLowerCase() : '';
  if (!policy.extensions.includes(extension)) {
    return { code: 'unsupported_file_type', details: { reason: extension === '.doc' || extension === '.wps' ? 'old_word' : 'extension' } };
  }
  if (file.size > policy.maxFileBytes) return { code: 'file_too_large', details: { reason: 'too_large' } };
  if (file.size === 0) return { code: 'unreadable_file', details: { reason: 'empty' } };
  return null;
}
