"""The picture generators: digits drawn with the app's pen (:mod:`.pen`), written as whole numbers
(:mod:`.number`), photographed on paper (:mod:`.photo`), and things that are not digits
(:mod:`.nondigit`). Each draws from the ``rng`` it is given; assembling sets is the stages'
library's job (:mod:`pipeline.sets.testsets`, :mod:`pipeline.sets.trainsets`)."""
