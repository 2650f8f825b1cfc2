"""The breakdowns a corridor query offers (a module of its own, so that the command line lists
them without importing Ibis).

>>> BY_CHOICES[0], BY_CHOICES[-1]
('total', 'group')
"""

BY_CHOICES: tuple[str, ...] = ("total", "section", "hs2", "hs4", "hs6", "group")
