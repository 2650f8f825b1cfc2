"""Given names that are one name in several transliterations (Russian, Belarusian, Ukrainian,
English, Arabic forms), like the name symbols of OpenSanctions' rigour, in a small table; and
Korea's names in North Korean organisation names (Choson is Korea in the DPRK's own usage).
The Arabic article is one word in all its forms: al, el, ul, and al assimilated to a sun
letter (ar-Rahman, ad-Din, ash-Shami, az-Zawahiri, ur-Rehman). Conventional abbreviations
are forms of their name: Mohd, Muhd, Md, Muh for Muhammad (Malaysia, Indonesia, Bangladesh),
Mg for the Burmese Maung.

>>> same_group("siarhei", "sergey"), same_group("uladzimir", "volodymyr"), same_group("olga", "oleg")
(True, True, False)
"""

from __future__ import annotations

from functools import lru_cache

_GROUPS = """
sergei sergey siarhei serhii serhiy sergiy serguei sergej serhij syarhey
aleksandr alexander aliaksandr alyaksandr oleksandr alexandr aleksander aleksandar
vladimir uladzimir volodymyr wladimir vladimer
dmitry dmitri dmitrii dzmitry dzmitryj dmytro dmitriy
yuri yury yurii iurii jurij yuriy iury
mikhail mikhaila mykhailo michail mikhael mihail
nikolai nikolay mikalai mykola nicolai
aleksei alexei alexey aliaksei oleksii aleksey oleksiy alyaksei
andrei andrey andrii andriy andrej andrzej
pavel paval pavlo pawel
viktor victor wiktor
oleg aleh aleg oleh
igor ihar ihor
elena alena olena yelena helena jelena alyona
natalia natallia nataliya natalya natalja
tatiana tatsiana tetiana tatyana tatjana
olga volha olha
anatoly anatol anatolii anatoliy anatolij
grigory ryhor hryhorii grigori grigoriy hryhoriy
evgeny yauhen yevhen yevgeny evgenii yevgeniy evgenij jauhen ievhen ievgen ievgenii
valery valeri valeriy valerii valer
vasily vasil vasyl vasilii vasiliy
petr piotr petro pyotr pyatro
konstantin kanstantsin kostiantyn kostyantyn
vitaly vitali vitalii vitaliy vital
gennady henadz hennadii gennadiy gennadi
leonid leanid
maksim maxim maksym
yaroslav jaroslav
stanislav stanislau
boris barys borys
ivan ivan
muhammad mohammed mohamed mohammad muhammed mohamad mohamud mahomed mohd muhd md muh moh
ahmed ahmad achmed
hussein husayn hussain husain hossein husein
hassan hasan
abdullah abdallah abdulla
yusuf yousef youssef yousuf
ibrahim ebrahim
omar umar
osama usama oussama
khalid khaled
ali aly
fedor fyodor feodor fiodar fedir
semyon semen siamion semion
stepan stsiapan stepan
yakov yakau jakov yakiv
kirill kiryl kyrylo kiril
artem artyom artsiom arciom artiom
denis dzianis denys
arkady arkadiy arkadii arkadz
vyacheslav viachaslau vyachaslau vjatjeslav viacheslav vjatjaslau
lyudmila liudmila ludmila liudmyla
svetlana sviatlana
galina halina halyna
irina iryna
marina maryna
lidia lidiya lidziya
iyad eyad
ismail esmail ismael ismaeel
mostafa mustafa moustafa mustapha
qasem ghasem kassem qassem qasim
jaber jabir
yasser yasir yaser
seyed sayed syed sayyid seyyed sayyed sayyad
mahdi mehdi
reza riza
al el ul ur ud ad ar ash az at as
bin ben ibn
abdul abdel abdol abdal abdoul
maung mg
korea korean choson chosun joson dprk dprkn
"""


@lru_cache(maxsize=1)
def _group_of() -> dict[str, int]:
    table: dict[str, int] = {}
    for number, line in enumerate(_GROUPS.strip().splitlines()):
        for name in line.split():
            table.setdefault(name, number)
    return table


def same_group(a: str, b: str) -> bool:
    """True when two (lower-case ASCII) words are forms of one given name."""
    groups = _group_of()
    return a in groups and groups[a] == groups.get(b)


def group_of(word: str) -> int:
    """The number of a (lower-case ASCII) given name's group, -1 for a word in none.

    >>> group_of("zzz")
    -1
    """
    return _group_of().get(word, -1)
