import { describe, expect, it } from 'vitest';
import { shortTitle } from './short-title';

describe('shortTitle', () => {
  it('drops 《》 and names a published document by its own title', () => {
    expect(shortTitle('《云南省促进区域协调发展实施方案》')).toBe('云南省促进区域协调发展实施方案');
    expect(shortTitle('《四川省人民政府关于印发〈四川省生态保护补偿办法〉的通知》')).toBe('四川省生态保护补偿办法');
  });

  it('keeps a title that only mentions another document, shortened in the middle when long', () => {
    expect(shortTitle('《重庆四川两省市贯彻落实〈成渝地区双城经济圈建设规划纲要〉联合实施方案》')).toBe('重庆四川两省市贯彻落实〈…纲要〉联合实施方案');
  });
});
