"""Characters: traditional → simplified for matching labels, and the normal form every label is compared in.

No converter package is installed (OpenCC, zhconv and hanziconv are not among the project's packages), and none is
needed: a label is matched, never printed, so a table of the characters that real reports in 繁体 use is enough.
The published text itself is kept as it was written; only what is compared goes through `simplified`.
"""

from __future__ import annotations

import re
import unicodedata

# Pairs "繁简": the characters of the official labels and headings, and the common ones around them in real
# reports (seeds 001 and 004, Taiwan-style conversions of mainland pages included).
_PAIRS = (
    "並并來来係系個个們们備备傳传債债價价償偿內内兩两冊册別别則则創创劃划動动務务勝胜匯汇區区協协參参員员問问"
    "單单嚴严國国圍围執执堅坚報报場场壓压壩坝夠够學学實实審审將将專专對对導导屆届層层屬属幫帮廣广廳厅強强後后"
    "徑径從从復复徵征徹彻態态應应戰战戲戏戶户採采換换揮挥擔担據据擴扩數数斷断於于時时書书會会條条業业極极構构"
    "標标樣样機机檔档檢检檻槛欄栏權权歡欢歸归氣气決决沒没況况減减測测準准滿满濟济瀏浏瀘泸為为無无熱热營营爭争"
    "牽牵狀状獲获現现環环產产畫画當当療疗發发監监眾众確确礎础稅税種种稱称積积穩稳競竞節节範范簽签籌筹糾纠約约"
    "納纳紙纸級级紮扎細细終终組组結结絡络給给統统經经維维網网緊紧線线編编縣县總总績绩織织繞绕繪绘繼继續续罰罚"
    "義义習习聞闻聯联職职脫脱臨临臺台與与舉举華华蓋盖藥药藺蔺處处號号術术衛卫補补製制複复規规視视覽览觀观訂订"
    "計计訓训託托記记訟讼訪访設设許许訴诉診诊註注評评詞词詢询試试話话認认誠诚誰谁調调談谈請请講讲證证識识議议"
    "護护讀读變变讓让豐丰負负財财貧贫貫贯責责費费貼贴貿贸資资質质賬账購购踐践較较載载輯辑輿舆轉转辦办農农這这"
    "連连進进運运過过達达選选還还鄉乡醫医銷销錄录鎮镇長长門门開开間间閱阅關关陣阵陽阳階阶際际隨随險险離离電电"
    "頁页項项預预領领頭头頻频題题額额類类風风養养餘余饋馈體体髮发鮮鲜點点黨党覆复衝冲啟启麼么歲岁齊齐鬥斗歷历"
    "曆历邊边慶庆憲宪倫伦劑剂勞劳勵励勢势壞坏夢梦奮奋孫孙寧宁寶宝嶺岭帶带幹干廢废廠厂彙汇恆恒惡恶愛爱慮虑憑凭"
    "懷怀擁拥擊击擬拟攜携敗败敘叙歐欧殘残殺杀湯汤溝沟滅灭漢汉潔洁濃浓燈灯獎奖獨独畝亩疊叠盡尽盤盘礙碍禮礼禍祸"
    "穀谷窮穷筆笔築筑簡简糧粮紀纪紅红純纯紛纷綜综綠绿緒绪練练縮缩罷罢聲声聽听肅肃艱艰藝艺蘇苏蘭兰蟲虫裝装襲袭"
    "見见親亲覺觉觸触討讨訊讯詳详誤误說说課课論论諮咨謀谋謝谢譯译讚赞貢贡貨货販贩貴贵貸贷賦赋賽赛趙赵趨趋跡迹"
    "車车軍军軟软輔辅輕轻輸输辭辞遞递遠远適适遲迟遺遗郵邮鄰邻釋释針针銀银鋪铺錢钱錯错鍵键鐘钟鐵铁閉闭閒闲闡阐"
    "隊队隱隐雙双雜杂雞鸡難难雲云靜静韓韩響响頒颁順顺須须頓顿顧顾顯显飛飞飯饭館馆馬马驗验驟骤髒脏鬆松魚鱼鳥鸟"
    "麥麦齡龄龍龙萬万衆众週周誌志祕秘綫线裡里裏里僅仅優优億亿儘尽兒儿凍冻剛刚劉刘廈厦嗎吗噸吨團团園园圖图塊块"
    "壇坛壯壮壽寿夾夹奪夺婦妇嬰婴寫写師师帳帐幣币庫库彈弹憶忆懇恳拋抛掃扫掛挂揚扬損损搶抢撥拨撫抚攔拦晉晋暫暂"
    "東东棄弃楊杨槍枪樂乐樓楼橋桥漁渔滬沪灣湾災灾烏乌煉炼煩烦爾尔牆墙猶犹獻献畢毕異异盜盗礦矿碼码禦御絲丝綱纲"
    "緣缘縱纵繩绳羅罗聖圣脅胁腦脑腳脚興兴舊旧莊庄葉叶蓮莲誕诞語语誼谊諸诸謂谓貝贝賓宾賣卖贈赠趕赶躍跃輛辆轄辖"
    "迴回違违遷迁閃闪閣阁隸隶雖虽頂顶頌颂顆颗飲饮駐驻驅驱鬧闹麗丽黃黄齒齿龜龟査查摺折裁裁"
)
_T2S = str.maketrans({_PAIRS[i]: _PAIRS[i + 1] for i in range(0, len(_PAIRS), 2)})
_TRADITIONAL = frozenset(_PAIRS[0::2]) - frozenset(_PAIRS[1::2])


def simplified(text: str) -> str:
    """`text` with the traditional characters of the table replaced by their simplified forms."""
    return text.translate(_T2S)


def traditional_share(text: str) -> float:
    """The share of the table's traditional characters among the CJK characters of `text` (0 for 简体)."""
    cjk = [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]
    if not cjk:
        return 0.0
    return sum(1 for ch in cjk if ch in _TRADITIONAL) / len(cjk)


# What is dropped before two labels are compared: spaces of every width, quotation marks, and the characters a
# copied page puts in by itself.
_DROP = re.compile(r"[\s\u00a0\u3000\u200b\ufeff“”\"'‘’「」『』]+")


def normal(text: str) -> str:
    """A label in the form compared: simplified, NFKC (（一） → (一), ： → :), no spaces or quotes, "、" and "．"
    after an Arabic number as ".", other brackets as round ones."""
    text = unicodedata.normalize("NFKC", simplified(text))
    text = _DROP.sub("", text)
    text = text.replace("〔", "(").replace("〕", ")").replace("[", "(").replace("]", ")")
    text = text.replace("【", "(").replace("】", ")").replace("﹝", "(").replace("﹞", ")")
    return re.sub(r"^(\d+)[、.．,，]", r"\1.", text)
