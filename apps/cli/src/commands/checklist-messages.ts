/** Prompts and messages of `keygrade checklist`, in each language Keygrade speaks. */
import type { Lang } from '@keygrade/catalog';

export interface Messages {
  statusPrompt: string;
  badKey(key: string): string;
  carryPrompt(field: string, hint: string): string;
  /** Translated hints for the fields a status must carry (English ones come from STATUS_RULES). */
  carryHints?: Record<string, string>;
  required(field: string): string;
  notePrompt: string;
  evidencePrompt: string;
  urlHashPrompt: string;
  badHash: string;
  noFile(path: string): string;
  coveredByLevel(id: string, key: string): string;
  nothingToDo(file: string): string;
  summary(answered: number, remaining: number, file: string): string;
}

export const MESSAGES: Record<Lang, Messages> = {
  en: {
    statusPrompt: '  Status? [y] in place  [c] comparable control  [q] qualified (provider)  [a] not applicable  [n] not in place  [s] skip  [x] save & exit: ',
    badKey: (k) => `  "${k}" is not one of y, c, q, a, n, s, x`,
    carryPrompt: (field, hint) => `  ${field} (${hint}): `,
    required: (field) => `  ${field} is required for this status`,
    notePrompt: '  Note (how it is done; Enter to skip): ',
    evidencePrompt: '  Evidence file or URL (Enter when done): ',
    urlHashPrompt: '  SHA-256 of the document at that URL: ',
    badHash: '  a SHA-256 is 64 hexadecimal characters; evidence not added',
    noFile: (p) => `  cannot read ${p} (paths are relative to the assessment file); evidence not added`,
    coveredByLevel: (id, key) => `  ${id} is answered by the level given for ${key}; edit the file to change it`,
    nothingToDo: (f) => `Every requirement in ${f} is answered. Use --all to revisit them, or run \`keygrade score ${f}\`.`,
    summary: (n, left, f) => `\nSaved ${n} answer${n === 1 ? '' : 's'} to ${f}. ${left === 0 ? 'Nothing left to assess.' : `${left} requirement${left === 1 ? '' : 's'} left; run the checklist again to resume.`}`,
  },
  'zh-CN': {
    statusPrompt: '  状态? [y] 已落实  [c] 可比控制  [q] 合格(依赖服务提供商)  [a] 不适用  [n] 未落实  [s] 跳过  [x] 保存并退出: ',
    badKey: (k) => `  "${k}" 不是 y、c、q、a、n、s、x 之一`,
    carryPrompt: (field, hint) => `  ${field}（${hint}）: `,
    carryHints: {
      comparable_control: '改为采取的措施，以及它为何满足该要求的意图',
      relies_on: '所依赖的已认证服务提供商或证书',
      justification: '该要求为何不适用',
    },
    required: (field) => `  此状态必须填写 ${field}`,
    notePrompt: '  备注（如何落实；回车跳过）: ',
    evidencePrompt: '  证据文件或网址（完成后回车）: ',
    urlHashPrompt: '  该网址文档的 SHA-256: ',
    badHash: '  SHA-256 应为 64 个十六进制字符；未添加证据',
    noFile: (p) => `  无法读取 ${p}（路径相对于评估文件）；未添加证据`,
    coveredByLevel: (id, key) => `  ${id} 已由 ${key} 的级别作答；如需修改请编辑文件`,
    nothingToDo: (f) => `${f} 中的所有要求均已作答。使用 --all 重新查看，或运行 \`keygrade score ${f}\`。`,
    summary: (n, left, f) => `\n已将 ${n} 个答案保存到 ${f}。${left === 0 ? '没有待评估的要求。' : `还有 ${left} 个要求；再次运行 checklist 即可继续。`}`,
  },
};
