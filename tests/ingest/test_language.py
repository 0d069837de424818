"""Language detection: scripts, function-word profiles, short texts, speed, the word list."""

from __future__ import annotations

import time
from importlib.resources import files

import pytest

from sitroom.ingest import detect_language
from sitroom.ingest.language import SAMPLE_CHARS, STOPWORDS_FILE

# One sentence per language, written for these tests.
SENTENCES = {
    "en": "The river crossing was closed on Sunday after the bridge was damaged, and officials "
    "said repairs would take weeks.",
    "fr": "Les habitants du quartier ont été évacués dans la nuit, car la préfecture craignait "
    "que le barrage ne cède sous la pression.",
    "de": "Die Feuerwehr war die ganze Nacht im Einsatz, weil der Sturm mehrere Dächer abgedeckt "
    "und Bäume auf die Straße geworfen hatte.",
    "es": "Los vecinos del pueblo dijeron que el agua subió muy rápido durante la noche y que "
    "nadie les avisó a tiempo.",
    "it": "Il sindaco ha detto che la scuola resterà chiusa per tutta la settimana, perché il "
    "tetto è stato danneggiato dalla grandine.",
    "pt": "Os moradores da cidade afirmaram que a água subiu muito depressa durante a noite e "
    "que ninguém os avisou a tempo.",
    "nl": "De burgemeester zei dat de school de hele week dicht blijft, omdat het dak door de "
    "storm zwaar is beschadigd.",
    "pl": "Mieszkańcy wsi powiedzieli, że woda podniosła się bardzo szybko w nocy i nikt ich "
    "nie ostrzegł na czas.",
    "tr": "Köy sakinleri, suyun gece boyunca çok hızlı yükseldiğini ve kimsenin onları "
    "zamanında uyarmadığını söyledi, ancak yardım geldi.",
    "id": "Warga desa mengatakan bahwa air naik dengan sangat cepat pada malam hari dan tidak "
    "ada yang memperingatkan mereka.",
    "sv": "Invånarna i byn sa att vattnet steg mycket snabbt under natten och att ingen hade "
    "varnat dem i tid.",
    "ro": "Locuitorii satului au spus că apa a crescut foarte repede în timpul nopții și că "
    "nimeni nu i-a avertizat la timp.",
    "cs": "Obyvatelé vesnice řekli, že voda v noci stoupala velmi rychle a že je nikdo včas "
    "nevaroval před povodní.",
    "da": "Beboerne i landsbyen sagde, at vandet steg meget hurtigt om natten, og at ingen "
    "havde advaret dem i tide.",
    "fi": "Kylän asukkaat kertoivat, että vesi nousi yöllä hyvin nopeasti eikä kukaan ollut "
    "varoittanut heitä ajoissa, mutta apu tuli.",
    "hu": "A falu lakói azt mondták, hogy a víz éjjel nagyon gyorsan emelkedett, és senki sem "
    "figyelmeztette őket időben.",
    "vi": "Người dân trong làng nói rằng nước đã dâng lên rất nhanh trong đêm và không ai "
    "cảnh báo họ kịp thời.",
    "ru": "Жители деревни рассказали, что вода ночью поднималась очень быстро и никто их не "
    "предупредил об опасности.",
    "uk": "Мешканці села розповіли, що вода вночі піднімалася дуже швидко і ніхто їх не "
    "попередив про небезпеку.",
    "bg": "Жителите на селото казаха, че водата се е покачила много бързо през нощта и никой "
    "не ги е предупредил.",
    "el": "Οι κάτοικοι του χωριού είπαν ότι το νερό ανέβηκε πολύ γρήγορα κατά τη διάρκεια της "
    "νύχτας.",
    "he": "תושבי הכפר אמרו שהמים עלו מהר מאוד במהלך הלילה ואף אחד לא הזהיר אותם בזמן.",
    "ar": "قال سكان القرية إن المياه ارتفعت بسرعة كبيرة خلال الليل ولم يحذرهم أحد في الوقت "
    "المناسب.",
    "fa": "ساکنان روستا گفتند که آب در طول شب خیلی سریع بالا آمد و هیچ کس به آنها هشدار نداد.",
    "hi": "गाँव के लोगों ने कहा कि रात में पानी बहुत तेज़ी से बढ़ा और किसी ने उन्हें समय पर चेतावनी नहीं दी।",
    "zh": "村民们说，夜里水涨得非常快，没有人及时提醒他们。",
    "ja": "村の住民によると、夜の間に水が非常に速く上がり、誰も彼らに警告しなかったという。",
    "ko": "마을 주민들은 밤사이 물이 매우 빠르게 불어났고 아무도 제때 경고하지 않았다고 말했다.",
    "th": "ชาวบ้านกล่าวว่าน้ำขึ้นเร็วมากในตอนกลางคืนและไม่มีใครเตือนพวกเขาทันเวลา",
    "ka": "სოფლის მცხოვრებლებმა თქვეს, რომ წყალი ღამით ძალიან სწრაფად მოიმატა.",
    "hy": "Գյուղի բնակիչները ասացին, որ ջուրը գիշերը շատ արագ բարձրացավ։",
}


@pytest.mark.parametrize(("expected", "sentence"), sorted(SENTENCES.items()))
def test_detect_language_sentence(expected: str, sentence: str) -> None:
    assert detect_language(sentence) == expected


def test_detect_language_english_with_cyrillic_quote_stays_english() -> None:
    text = (
        "The mayor, Олександр Петренко, told reporters outside the town hall that the "
        'shelters were full, adding "Ми не здамося" before the meeting with aid groups began.'
    )
    assert detect_language(text) == "en"


def test_detect_language_russian_naming_a_ukrainian_city_stays_russian() -> None:
    text = (
        "Власти сообщили, что поезд из Києва прибыл с опозданием на три часа, но никто из "
        "пассажиров не пострадал, и движение на этом участке уже восстановлено."
    )
    assert detect_language(text) == "ru"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ceasefire talks resume", "und"),  # Latin, under five words
        ("Lisbon Porto Braga Faro Coimbra Aveiro", "und"),  # names only: no function words
        ("Rebels seize the airport near the capital", "en"),  # a headline is enough
        ("", "und"),
        ("12345 -- 678 / 90", "und"),
        ("Київ", "uk"),  # a letter only Ukrainian uses decides
        ("Взрывы в городе", "ru"),  # "ы" is not Ukrainian or Bulgarian
        ("Ειρήνη τώρα", "el"),  # the script decides
        ("שלום", "he"),
        ("平和", "zh"),
        ("ありがとう", "ja"),
        ("평화", "ko"),
    ],
)
def test_detect_language_short_text(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_detect_language_reads_only_the_start() -> None:
    french_then_english = SENTENCES["fr"] * 20 + " " + SENTENCES["en"] * 200
    assert len(SENTENCES["fr"] * 20) > SAMPLE_CHARS
    assert detect_language(french_then_english) == "fr"


def test_detect_language_is_fast() -> None:
    text = (SENTENCES["en"] + " ") * 40
    detect_language(text)  # load the word list
    runs = 200
    started = time.perf_counter()
    for _ in range(runs):
        detect_language(text)
    per_call = (time.perf_counter() - started) / runs
    # Measured ~0.2 ms; the bound leaves room for a loaded shared machine.
    assert per_call < 0.005


def _stopword_rows() -> list[str]:
    table = files("sitroom.data").joinpath(STOPWORDS_FILE).read_text(encoding="utf-8")
    return table.splitlines()


def test_language_stopwords_file_rows_parse() -> None:
    header, *rows = _stopword_rows()
    assert header == "language\tword"
    assert rows
    for row in rows:
        language, word = row.split("\t")
        assert len(language) == 2 and language.isascii() and language.islower(), row
        assert word and word == word.strip() and word == word.lower(), row


def test_language_stopwords_file_sorted_without_duplicates() -> None:
    rows = [tuple(row.split("\t")) for row in _stopword_rows()[1:]]
    assert rows == sorted(rows)
    assert len(rows) == len(set(rows))


def test_language_stopwords_file_covers_the_detected_languages() -> None:
    languages = {row.split("\t")[0] for row in _stopword_rows()[1:]}
    word_languages = {"en", "fr", "de", "es", "it", "pt", "nl", "pl", "tr", "id", "sv", "ro"}
    assert word_languages | {"cs", "ru", "uk", "bg"} <= languages
