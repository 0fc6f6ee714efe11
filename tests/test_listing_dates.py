"""The date phrasings of the Secretariat's listings, and what must never be read as a date."""
from datetime import date

import pytest

from repo.listing.dates import find_dates

D = date


@pytest.mark.parametrize("text, start, end", [
    ("Hanoï, Viet Nam, 31 octobre-1er novembre 2019", D(2019, 10, 31), D(2019, 11, 1)),
    ("La Paz, Bolivie, 8-10 octobre 2019", D(2019, 10, 8), D(2019, 10, 10)),
    ("Osaka, Japon, 30 au 31 mai 2019", D(2019, 5, 30), D(2019, 5, 31)),
    ("Genève, du 3 au 7 novembre 2025", D(2025, 11, 3), D(2025, 11, 7)),
    ("Hanoi, Viet Nam, 31 October – 1 November 2019", D(2019, 10, 31), D(2019, 11, 1)),
    ("La Paz, 8–10 October 2019", D(2019, 10, 8), D(2019, 10, 10)),
    ("Bali, 30 Oct 2023 - 03 Nov 2023", D(2023, 10, 30), D(2023, 11, 3)),
    ("Ginebra, del 3 al 7 de noviembre de 2025", D(2025, 11, 3), D(2025, 11, 7)),
    ("Lima, 31 de octubre al 1 de noviembre de 2019", D(2019, 10, 31), D(2019, 11, 1)),
    ("Nairobi, 5 June 2020", D(2020, 6, 5), D(2020, 6, 5)),
    ("Nairobi, 5 juin 2020 - 5 juin 2020", D(2020, 6, 5), D(2020, 6, 5)),
    ("Dakar, 12-12 mars 2021", D(2021, 3, 12), D(2021, 3, 12)),
    ("Bangkok, 3 sept. 2018", D(2018, 9, 3), D(2018, 9, 3)),
    ("Bogotá, 14 al 16 de MAYO de 2018", D(2018, 5, 14), D(2018, 5, 16)),
    ("Geneva, October 8-10, 2019", D(2019, 10, 8), D(2019, 10, 10)),
    ("Panamá, 30 diciembre 2019 – 2 enero 2020", D(2019, 12, 30), D(2020, 1, 2)),
])
def test_event_dates(text, start, end):
    found = find_dates(text)
    assert found is not None, text
    assert found[:2] == (start, end)


@pytest.mark.parametrize("text", [
    "Session from 10:00 - 12:30", "Work programme 2024-2025", "a three-day workshop",
    "3 days in 2019", "31 octobre", "Article 8 of the Convention", "COP-3, 2019",
    "30 février 2019", "8-40 octobre 2019", "1 janvier 2019 - 1 juin 2019", "",
])
def test_not_event_dates(text):
    assert find_dates(text) is None
