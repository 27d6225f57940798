// Well-known region names and the words that ask across documents: shared by question analysis and
// retrieval.

/** Provinces, major cities and named regions a question may name. */
export const regionNames = [
  '北京', '天津', '河北', '山西', '内蒙古', '辽宁', '吉林', '黑龙江', '上海', '江苏', '浙江', '安徽', '福建', '江西', '山东', '河南', '湖北', '湖南', '广东', '广西', '海南', '重庆', '四川', '贵州', '云南', '西藏', '陕西', '甘肃', '青海', '宁夏', '新疆', '香港', '澳门', '台湾',
  '川渝', '成渝', '成都', '昆明', '贵阳', '滇中', '黔中', '川南', '渝西', '天府新区', '两江新区', '粤港澳', '长三角', '京津冀',
];

/** Words that ask to compare or collect across documents or places. */
export const crossWords = /分别|各省|各地|各文件|各个文件|哪些文件|几个文件|对比|比较|异同|区别|两地|两省|各自|都怎么|各方/;
