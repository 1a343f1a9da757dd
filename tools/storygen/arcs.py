"""Story arcs for storygen (written from scratch for DecodeLab).

Every arc is a function ctx -> list of paragraphs (strings).  Sentences are
built with ctx.s(template, template, ...) which picks one template with a
Zipf weight (the first listed is the habit, later ones are rarer) and
expands [a|b] choices and {variables}; ctx.say(role, mood, ...) makes a line
of dialogue.  Roles: H hero, F friend, M parent, C creature, R recipient.
"""

from __future__ import annotations

import lexicon as L
from storygen import PLACE_BY_NAME, ing


def para(*sentences) -> str:
    return " ".join(s for s in sentences if s)


# ------------------------------------------------------------------ beginnings

def intro(c, lead=()) -> str:
    """Opening paragraph: the very frequent 'Once upon a time, there was a
    little girl named ...' habit plus rarer openers, then 0-3 details."""
    h = c.hero
    out = []
    opener = c.z([0, 1, 2, 3, 4, 5, 6, 7], 1.4)
    if opener == 0:
        out.append(c.s("Once upon a time, there was a {hdesc} named {H}."))
    elif opener == 1:
        out.append(c.s("Once upon a time, in a {realm}, there lived a {hdesc} named {H}."))
    elif opener == 2:
        out.append(c.s("There once was a {hdesc} named {H}."))
    elif opener == 3:
        out.append(c.s("Long ago, in a [small town|little village|land far away|{realm}], "
                       "there lived a {hdesc} named {H}."))
    elif opener == 4:
        out.append(c.s("{H} was a {trait} little {kind}."))
    elif opener == 5:
        out.append(c.s("There was a {hdesc} called {H}."))
    elif opener == 6:
        out.append(c.s("In a {realm}, there lived a {hdesc}. {His} name was {H}."))
    else:
        out.append(c.s("Once there was a {trait} {kind} named {H}."))

    details = []
    trait_used = opener in (4, 7)
    if h.kind.person:
        details.append("{He} was {age} years old.")
    details += [
        "{He} loved to {hobby}.",
        "{He} was [very|always|so] {trait}.",
        "{He} lived {home} with {his} [mom and dad|family|grandma|big brother|little sister|mom|dad|grandpa].",
        "Every day, {he} liked to {hobby}.",
        "{He} had a [big|warm|kind] heart and [many|lots of] friends.",
        "{His} favorite thing to do was to {hobby}.",
        "{He} [liked|loved] {food} more than anything.",
        "{He} had {num} [best|good] friends.",
        "{looks}",
        "{He} wore {a_wear} every day.",
    ]
    if not h.kind.person:
        details.append("{He} {move} [everywhere {he} went|all over the place|from morning to night].")
        if h.kind.sound_verb:
            details.append("Every morning, {he} {soundverb} to say hello to the sun.")
    w = c.pick_obj(lambda o: o.wear, 0.7)
    c.set_obj(w, "wear")
    c.v["age"] = c.z(L.AGES, 1.0)
    n = c.z([1, 2, 0, 3], 1.2)
    picked = []
    for _ in range(n):
        t = c.z(details, 0.9)
        if trait_used and "{trait}" in t:
            continue
        if t not in picked and not ("{hobby}" in t and any("{hobby}" in p for p in picked)):
            picked.append(t)
    out += [c.s(t) for t in picked]
    out += [s for s in lead if s]
    return para(*out)


# ------------------------------------------------------------------ endings

def ending(c, habits, lessons, closes=()) -> list[str]:
    """Moral or happy close; 'The end.' sometimes on its own line."""
    style = c.z([0, 1, 2, 3, 4], 1.1)
    out = []
    if style == 0:
        out.append(c.s("From that day on, {H} always " + c.z(habits, 0.9) + "."))
    elif style == 1:
        out.append(c.s("{H} learned that " + c.z(lessons, 0.9) + "."))
    elif style == 2:
        out.append(c.s("{H} was [so|very] {good}.", "{H} was {as_happy}."))
        out.append(c.s(*(list(closes) + [
            "That night, {he} went to bed with a big smile.",
            "It was the best day ever.",
            "{He} smiled all the way home.",
            "And they all lived happily ever after.",
        ])))
    elif style == 3:
        out.append(c.s("And so, {H} learned that " + c.z(lessons, 0.9) + "."))
        out.append(c.maybe(0.5, "{He} never forgot it.", "{He} would remember it forever.",
                           "It was a lesson {he} would never forget."))
    else:
        out.append(c.s("The moral of the story is that " + c.z(lessons, 0.9) + "."))
    paras = [para(*out)]
    if c.chance(0.28):
        paras.append("The end.")
    return paras


# ------------------------------------------------------------------ arcs

def arc_lost(c):
    c.cast_hero()
    c.set_obj(c.pick_obj(lambda o: o.small))
    c.set_place(c.pick_place(s=0.8))
    p1 = intro(c, [c.s("{He} had {a_obj} that {he} loved very much.",
                       "{His} favorite thing was {his} {obj}.",
                       "{Grandma} had given {him} {a_obj}, and {he} took {oobj} everywhere.".replace("{Grandma}", c.z(["Grandma", "Grandpa", "{His} aunt", "{His} mom"])),
                       "{He} never went anywhere without {his} {obj}.")])
    p2 = para(
        c.s("{Time}, {H} went {to_place} with {his} {obj}.",
            "{Time}, {H} {move} {to_place} with {his} {obj}.",
            "{Time}, {H} took {his} {obj} {to_place}.",
            "{Time}, {H} and {his} {obj} went to play {at_place}."),
        c.s("{He} {act_ed} and {act_ed}.", "{He} {act_ed} for a long time.", "{He} saw {sight}."),
        c.s("When it was time to go home, {H} looked for {his} {obj}, but {oit} {owas} gone!",
            "After a while, {H} looked down. {His} {obj} {owas} not there!",
            "{Then} {H} [put down|dropped] {his} {obj} and forgot about {oobj}.",
            "Later, {H} could not find {his} {obj} anywhere."),
        c.say("H", "!", "Oh no! Where is my {obj}", "Oh no! My {obj} is gone", "Oh dear! I lost my {obj}"),
    )
    p3 = para(
        c.s("{H} looked {hide}.", "First, {H} looked {hide}."),
        c.s("{Then} {he} looked {hide}.", "{He} looked {hide} too."),
        c.s("But {he} could not find {oobj}.", "{His} {obj} {owas} not there.", "No {obj}."),
        c.s("{H} felt {bad}.", "{H} sat down and began to cry.", "A big tear rolled down {his} cheek.",
            "{H} was very {bad}."),
    )
    helper = c.z(["friend", "creature", "parent"], 1.0)
    if helper == "friend":
        c.cast_friend()
        p4 = para(
            c.s("Just then, {F} came by.", "{Then} {his} friend {F} [walked|came] over.",
                "Soon, {his} friend {F} the {fkind} came along."),
            c.say("F", "?", "Why are you sad, {H}", "What is wrong, {H}", "Are you okay, {H}"),
            c.say("H", ".", "I lost my {obj}", "I can't find my {obj}", "My {obj} is lost"),
            c.say("F", ".", "Don't worry. I will help you look", "Let's look together",
                  "I am good at finding things. I will help you"),
            c.s("{HF} looked everywhere.", "They looked high and low.", "They searched all over {the_place}."),
            c.s("At last, {F} found {the_obj} {hide}!", "{Then} {F} saw something {hide}. It was {his} {obj}!",
                "Finally, {F} spotted {the_obj} {hide}."),
        )
        thanks = "F"
    elif helper == "creature":
        c.cast_creature(c.z(["dog", "puppy", "squirrel", "bird", "cat", "rabbit", "duck", "crow", "goat"], 0.9))
        p4 = para(
            c.s("Just then, {a_c} came [out from|running from] {hide}.",
                "{Then} {H} heard a little noise. It was {a_c}!"),
            c.s("The {cnoun} had {the_obj}!", "In its mouth was {his} {obj}!", "It was holding {his} {obj}!"),
            c.s("The {cnoun} put {the_obj} down at {Hs} feet.", "It dropped {the_obj} and looked up at {H}."),
        )
        thanks = "C"
    else:
        c.cast_parent()
        p4 = para(
            c.s("{H} ran home to {M}.", "{H} went to find {M}.", "{Then} {M} came to see what was wrong."),
            c.say("H", ".", "I lost my {obj}", "My {obj} is gone"),
            c.say("M", ".", "Let's think. Where did you last have {oobj}",
                  "Don't worry. Things are never lost for long"),
            c.s("{H} thought and thought.", "{H} closed {his} eyes and thought very hard."),
            c.s("{Then} {he} remembered! {He} ran back and looked {hide}.",
                "Together, they went back and looked {hide}."),
            c.s("There {owas} {his} {obj}!", "And there {oit} {owas}!"),
        )
        thanks = "M"
    p5 = para(
        c.say("H", "!", "My {obj}! I found {oobj}", "Yay! My {obj} is back",
              "Thank you, " + ("little {cnoun}" if thanks == "C" else "{" + thanks + "}")),
        c.s("{H} hugged [{" + thanks + "}|{the_obj}|{his} {obj}] tight.",
            "{H} jumped for joy.", "{H} was [so|very] {good}."),
        c.maybe(0.6, "{He} held {his} {obj} [close|tight] all the way home.",
                "{He} gave {" + thanks + "} a big smile."),
    )
    return [p1, p2, p3, p4, p5] + ending(
        c,
        ["kept {his} {obj} close", "put {his} things away", "took care of {his} things",
         "looked after {his} {obj}", "checked that {he} had {his} {obj} before going home"],
        ["it is good to take care of your things", "friends help each other",
         "it helps to ask for help", "you should never give up looking",
         "it is important to be careful with the things you love"],
        ["{He} and {his} {obj} were together again."],
    )


def arc_sharing(c):
    c.cast_hero()
    c.set_obj(c.pick_obj(lambda o: o.toy))
    c.cast_parent()
    c.set_place(c.pick_place(["park", "playground", "backyard", "school", "beach", "garden", "living room", "meadow", "bedroom"], 0.9))
    p1 = intro(c, [c.s("{M} gave {H} {a_obj} for {his} birthday.", "{H} had {a_obj}. {Oit} {owas} brand new.",
                       "{H} got {a_obj} from {M}.", "{H} had {a_obj} that {he} loved more than anything.")])
    c.cast_friend()
    p2 = para(
        c.s("{H} played with {his} {obj} all day.", "{He} played with {oobj} every day.",
            "{He} took {oobj} everywhere {he} went."),
        c.s("{Time}, {H} took {his} {obj} {to_place}.", "{Time}, {H} was playing with {his} {obj} {at_place}."),
        c.s("{F} [saw|looked at] {the_obj}.", "{His} friend {F} came over.", "A {fkind} named {F} walked up to {him}."),
        c.say("F", "?", "Can I play with you", "Can I have a turn", "May I play with your {obj}",
              "Can I try your {obj}, please", "Will you share your {obj} with me"),
        c.say("H", "!", "No! {Oit} {ois} mine", "No, I want to play by myself", "No! Go away",
              "No, you will break {oobj}"),
        c.s("{F} felt {bad} and walked away.", "{F} looked at the ground and {fhis} eyes filled with tears.",
            "{F} walked away with {fhis} head down.", "{F} sat down all alone."),
    )
    p3 = para(
        c.s("{H} played alone, but it was not much fun.", "{H} played with {his} {obj}, but {he} did not feel happy.",
            "Soon, playing alone felt [boring|lonely|sad]."),
        c.s("{He} [saw|watched] {F} sitting all alone [on a bench|under a tree|by the fence|on the steps].",
            "{He} looked over at {F}.", "{He} thought about {F}."),
        c.s("{He} felt a little [bad|sorry|sad] inside.", "{His} tummy felt funny.",
            "{He} remembered what {M} said about sharing."),
    )
    p4 = para(
        c.s("{H} walked over to {F}.", "{H} ran to {F}.", "So {H} went to find {F}."),
        c.say("H", "?", "I am sorry. Do you want to play with my {obj}", "I am sorry. Can we play together",
              "Would you like a turn", "Do you want to share my {obj}"),
        c.s("{F} smiled a big smile.", "{F} wiped {fhis} eyes and smiled.", "{F} looked up and nodded."),
        c.say("F", "!", "Yes, please", "Thank you, {H}", "Oh, thank you"),
        c.s("They took turns with {the_obj}.", "They played with {the_obj} together.",
            "{HF} shared {the_obj}."),
        c.s("{Then} they {act_ed} together.", "They laughed and played until the sun went down.",
            "They had so much fun."),
        c.s("Playing together was much more fun than playing alone.",
            "It was more fun to play with a friend.", "Sharing made them both [happy|glad]."),
    )
    return [p1, p2, p3, p4] + ending(
        c,
        ["shared {his} toys with {his} friends", "shared {his} {obj}", "let {his} friends have a turn",
         "played together with {F}"],
        ["sharing is caring", "it is more fun to play together", "sharing makes everyone happy",
         "a friend is better than any toy", "being kind is better than keeping things to yourself"],
        ["{HF} became the best of friends."],
    )


def arc_noise(c):
    c.cast_hero()
    c.cast_parent()
    setting = c.z(["bedroom", "campsite", "forest", "attic", "living room", "garden", "barn", "kitchen"], 1.0)
    c.set_place(PLACE_BY_NAME[setting])
    sound, _ = c.z(L.SOUNDS, 0.9)
    who, doing, follow = c.z(L.CULPRITS, 0.8)
    living = who not in ("a branch", "the wind")
    noun = who.split(" ", 1)[1] if who.startswith(("a ", "an ")) else who[4:] if who.startswith("the ") else who
    c.cast_creature(noun)
    c.v["sound"] = sound
    c.v["who"] = who
    p1 = intro(c)
    p2 = para(
        c.s("One night, {H} was {at_place}.", "Late one evening, {H} was {at_place}.",
            "One dark night, {H} was [all alone|playing|reading a book] {at_place}.",
            "One windy night, {H} could not sleep."),
        c.s("Everything was quiet.", "The house was dark and still.", "The moon was big and round.",
            "Everyone else was asleep."),
        c.s("Suddenly, {he} heard {sound}!", "{Then} {he} heard {sound}.", "All of a sudden, there was {sound}."),
        c.s("It came from [outside|behind the door|near the window|under the floor|up above|the dark corner].",
            "It was coming from somewhere close."),
    )
    p3 = para(
        c.s("{H} felt {scared}.", "{H} was [very|so|a little] {scared}.", "{His} heart went thump, thump, thump."),
        c.say("H", "?", "Who is there", "What was that", "Is someone there"),
        c.s("Nobody answered.", "There was no answer.", "Everything was quiet again."),
        c.s("{Then} the noise came again, [louder|closer] this time.", "{Then} {he} heard it again!"),
        c.maybe(0.5, "{H} pulled the blanket over {his} head.", "{H} hid behind a chair.", "{H} stayed {as_quiet}.",
                "{H} wanted to run away."),
    )
    p4 = para(
        c.s("{H} [called|ran to get|went to find] {M}.", "{H} called out for {M}."),
        c.say("M", ".", "Let's go and see together", "Don't be scared. Let's find out what it is",
              "Come, let's take a look"),
        c.s("{HM} took a flashlight and went to look.", "{M} held {Hs} hand, and they went to look.",
            "Slowly, they [tiptoed|crept|walked] toward the noise."),
        c.s("It was just {who}!", "And what did they find? It was {who}!", "There, in the dark, was {who}!"),
        c.s("{C} " + doing + "."),
        c.s("{H} laughed.", "{H} laughed and laughed.", "{H} started to giggle."),
    )
    if living:
        p5 = para(
            c.s("{C} " + follow + ".", "{C} looked at {H} with [big|bright|shiny] eyes."),
            c.say("H", ".", "You are not scary at all", "Hello, little friend", "You gave me a fright"),
            c.s("{H} was not {scared} anymore.", "Now {H} felt brave and happy."),
            c.maybe(0.6, "{M} gave {C} [some water|a little food|a soft place to sleep].",
                    "{H} named {C} Mr. Fuzz.".replace("Mr. Fuzz", c.z(["Fuzz", "Pip", "Noisy", "Bump", "Button"])),
                    "{H} waved goodbye to {C}."),
        )
    else:
        p5 = para(
            c.s("{C} " + follow + "."),
            c.say("M", ".", "See? It was just {who}", "Nothing to be afraid of"),
            c.s("{H} was not {scared} anymore.", "{H} smiled and went back to bed."),
        )
    return [p1, p2, p3, p4, p5] + ending(
        c,
        ["smiled when {he} heard a noise at night", "looked before {he} got scared",
         "remembered that night when {he} heard a strange sound"],
        ["things are not always as scary as they seem", "it is good to be brave",
         "a noise in the dark can be a friend", "it helps to look before you get scared"],
        ["{He} fell asleep with a smile on {his} face."],
    )


def arc_trip(c):
    c.cast_hero()
    c.cast_parent()
    dest = c.pick_place(["beach", "zoo", "farm", "lake", "mountain", "forest", "island", "castle",
                         "campsite", "orchard", "market", "village", "jungle", "river", "meadow", "aquarium",
                         "fair", "circus", "harbor", "museum", "lighthouse", "desert", "train station",
                         "snowy hill"], 0.9)
    c.set_place(dest)
    c.v["travel"] = c.z(L.TRAVEL, 1.0)
    c.v["pack"] = ""
    packs = [c.z(L.PACK, 0.7) for _ in range(2)]
    if packs[0] == packs[1]:
        packs = packs[:1]
    c.v["pack"] = " and ".join(packs)
    p1 = intro(c)
    p2 = para(
        c.s("{Time}, {M} said that they would go {to_place}.", "{Time}, {M} had a surprise."),
        c.say("M", "!", "Today we are going {to_place}", "Pack your bag, we are going {to_place}",
              "Get ready, we are going on a trip"),
        c.s("{H} was so excited!", "{H} jumped up and down.", "{H} {cheer}.", "{H} clapped {his} hands."),
        c.s("{He} packed {pack}.", "{He} put {pack} in {his} bag."),
        c.s("They went {travel}.", "{HM} went {travel}.", "They rode {travel} for a long time."),
        c.maybe(0.5, "On the way, they sang songs.", "On the way, {H} looked out the window.",
                "On the way, they saw {wild_pl}.".replace("{wild_pl}", c.z(["cows", "sheep", "horses", "tall trees", "big trucks", "a rainbow"]))),
    )
    p3 = para(
        c.s("When they got {to_place}, {H} saw {sight}.", "At {the_place}, {H} saw {sight}.",
            "The {place} was [big|busy|beautiful|full of surprises], and {H} saw {sight}."),
        c.s("{He} also saw {sight}.", "Not far away, {he} saw {sight}."),
        c.s("{HM} {act_ed}.", "First, they {act_ed}."),
        c.s("{Then} they {act_ed}.", "After that, they {act_ed}."),
        c.say("H", "!", "This is the best day ever", "I love it here", "Look at that", "Can we stay forever"),
    )
    twist = c.z(["lost", "snack", "friend", "rain", "none"], 0.9)
    if twist == "lost":
        p4 = para(
            c.s("{Then} {H} looked around. Where was {M}?", "{Then} {H} walked too far and could not see {M}."),
            c.s("{H} felt {scared}.", "{H} started to feel {scared}."),
            c.s("{He} stood still, just like {M} had told {him}.", "{He} remembered to stay in one place."),
            c.s("Soon, {M} found {him}.", "A moment later, {M} came running."),
            c.say("M", ".", "I will always find you", "You did the right thing"),
            c.s("{H} gave {M} a big hug.", "{H} held {M}'s hand for the rest of the day."),
        )
    elif twist == "snack":
        p4 = para(
            c.s("{Then} they [had a picnic|sat down to eat].", "Soon, {H} was hungry."),
            c.s("{M} gave {him} {snack}.", "They ate {snack} and {snack}."),
            c.s("[A bird|A gull|A squirrel|A goat] came and [took|stole] a bite!", "{H} dropped {his} food on the ground."),
            c.s("{H} laughed.", "{H} felt {bad} for a moment, but then {he} laughed."),
            c.say("M", ".", "Here, you can have some of mine", "Let's share"),
        )
    elif twist == "friend":
        c.cast_friend(animal_p=0.3)
        p4 = para(
            c.s("There, {H} met a {fkind} named {F}.", "{H} met a new friend named {F}."),
            c.s("{F} showed {H} {feature}.", "{F} knew all the best places."),
            c.s("They {act_ed} together.", "{HF} played all afternoon."),
            c.say("F", "?", "Will you come back again", "Can we be friends"),
            c.say("H", "!", "Yes! I will come back soon", "Of course"),
        )
    elif twist == "rain":
        p4 = para(
            c.s("{Then} it began to rain.", "{Then} some gray clouds came and it started to rain."),
            c.s("They ran to hide [under a big tree|in a little hut|under an umbrella|in the car|under a roof].",
                "They found a dry spot and waited."),
            c.s("They waited and told funny stories.", "{H} watched the raindrops [dance|splash|fall]."),
            c.s("Soon the sun came out again.", "After a short time, the rain stopped."),
        )
    else:
        p4 = para(
            c.s("{H} took lots of pictures in {his} head.", "{H} wanted to remember everything."),
            c.s("{He} found {thing} to take home.", "{He} picked up a little stone to take home."),
        )
    p5 = para(
        c.s("When the sun began to set, they went home.", "At the end of the day, they went home {travel}.",
            "Soon it was time to go home."),
        c.s("{H} was tired but happy.", "{H} was [so|very] sleepy.", "{H} fell asleep on the way home.", "{H} was {as_tired}."),
        c.maybe(0.6, "That night, {he} dreamed about {the_place}.", "{He} could not wait to go back."),
    )
    return [p1, p2, p3, p4, p5] + ending(
        c,
        ["remembered the day at {the_place}", "loved going on trips with {M}",
         "asked to go back {to_place}"],
        ["trips with family are the best", "the world is full of wonderful things to see",
         "a day out is more fun with people you love", "it is good to stay close to your family"],
        ["It was a day {he} would never forget."],
    )


def arc_learning(c):
    c.cast_hero()
    c.cast_parent()
    k = c.hero.kind
    skills = [sk for sk in L.SKILLS
              if (sk[1] != "h" or k.hands or k.person) and (sk[1] != "f" or k.flies)]
    if k.flies and c.chance(0.5):
        skills = [sk for sk in skills if sk[1] == "f"] + skills
    base, _, fail, tip, success = c.z(skills, 0.8)
    c.v["skill"] = base
    c.v["skill1"] = base.replace("{his}", "my").replace("{himself}", "myself")
    c.v["skill_ing"] = ing(base)
    c.set_place(c.pick_place(s=1.0))
    c.cast_friend()
    p1 = intro(c)
    p2 = para(
        c.s("{H} wanted to learn to {skill}.", "More than anything, {H} wanted to {skill}.",
            "{H} wished {he} could {skill}."),
        c.s("{His} friend {F} could {skill}, but {H} could not.", "All the other {kinds} could {skill}.",
            "{He} watched {F} {skill} and wanted to try too."),
    )
    p3 = para(
        c.s("{Time}, {H} tried for the first time.", "{Time}, {H} decided to try."),
        c.s("But " + fail + ".", fail + "."),
        c.s("{H} tried again.", "{He} tried again and again."),
        c.s("But again " + fail + ".", "It did not work."),
        c.say("H", ".", "I will never learn to {skill1}", "This is too hard", "I can't do it"),
        c.s("{H} felt {bad}.", "{H} wanted to give up.", "{H} sat down and sighed."),
    )
    p4 = para(
        c.s("{M} sat down next to {him}.", "{Then} {M} came over.", "{M} saw that {H} was {bad}."),
        c.say("M", ".", "Everyone finds it hard at first", "Don't give up. Let me help you",
              "You just need to practice", "I could not do it either when I was little"),
        c.s(tip + "."),
        c.s("{H} practiced every day.", "{H} tried again, and again, and again.", "{H} kept practicing."),
        c.s("{He} fell many times, but {he} did not give up.", "Some days it went well, and some days it did not.",
            "It was still hard, but {he} got a little better each day."),
    )
    p5 = para(
        c.s("Then one day, " + success + "!", "At last, " + success + "!", "And then, " + success + "!"),
        c.say("H", "!", "I did it! I can {skill1}", "Look at me", "I can do it"),
        c.s("{M} clapped and cheered.", "{F} cheered for {him}.", "Everyone clapped."),
        c.s("{H} felt so proud.", "{H} was [very|so] proud of {himself}.", "{H} {cheer}.", "{H} had the biggest smile."),
    )
    return [p1, p2, p3, p4, p5] + ending(
        c,
        ["kept trying when something was hard", "practiced every day", "helped others learn to {skill}",
         "loved to {skill}"],
        ["practice makes things easier", "if you keep trying, you can do hard things",
         "it is okay to fall as long as you get up again", "you should never give up",
         "everyone has to start somewhere"],
        ["Now {he} could {skill} whenever {he} wanted."],
    )


def arc_storm(c):
    c.cast_hero()
    c.set_place(c.pick_place(outdoor=True, s=0.9))
    c.cast_friend()
    shelter = c.z(["the old bridge", "a big rock", "the porch of a little house", "the roof of the bus stop",
                   "a wooden shelter", "the red barn", "a big umbrella", "the doorway of a shop",
                   "a thick bush", "an old shed"], 0.9)
    c.v["shelter"] = shelter
    p1 = intro(c)
    p2 = para(
        c.s("{Time}, {HF} were playing {at_place}.", "{Time}, {H} went {to_place} with {his} friend {F}."),
        c.s("They {act_ed}.", "They {act_ed} and {act_ed}."),
        c.s("Suddenly, {clouds} filled the sky.".replace("{clouds}", c.z(L.WEATHER_STORM)),
            "{Then} the sky grew dark.", "{Then} the wind began to blow [hard|very hard|cold]."),
        c.s("Big drops of rain began to fall.", "{Then} the rain came pouring down.", "{Then} it started to rain."),
        c.s("Boom! The thunder rumbled across the sky.", "Crash! The thunder was very loud.", "Then came a flash of lightning."),
    )
    p3 = para(
        c.s("{F} was {scared}.", "{F} started to cry.", "{F} covered {fhis} ears."),
        c.say("F", "!", "I am scared of the thunder", "I want to go home", "What do we do"),
        c.s("{H} was [scared too|a little scared too], but {he} held {Fs} hand.",
            "{H} took a deep breath and held {Fs} hand."),
        c.say("H", "!", "Quick, let's hide under {shelter}", "Come with me! We can stay dry under {shelter}",
              "Don't worry, I know a safe place"),
    )
    p4 = para(
        c.s("They ran as fast as they could.", "They ran through the rain, splashing in the puddles."),
        c.s("Under {shelter}, they were safe and dry.", "Soon they were safe under {shelter}."),
        c.s("There they found a {wild} that was wet and shivering.", "They sang songs so they would not be scared.",
            "{H} told {F} a funny story, and they both laughed.",
            "They counted the seconds between the thunder and the lightning."),
        c.maybe(0.5, "{H} [hugged|comforted] {F}.", "Little by little, {F} felt better."),
    )
    p5 = para(
        c.s("After a while, the rain stopped.", "Soon, the storm went away.", "At last, the thunder stopped."),
        c.s("The sun came out, and a big rainbow [stretched|appeared] across the sky.",
            "The sun came out again, and everything [sparkled|shone]."),
        c.say("F", "!", "Look, a rainbow", "We did it", "Thank you, {H}"),
        c.s("They jumped in the puddles all the way home.", "They walked home hand in hand.",
            "They ran home to tell everyone about the storm."),
    )
    return [p1, p2, p3, p4, p5] + ending(
        c,
        ["stayed calm when it thundered", "helped {his} friends when they were scared",
         "knew what to do in a storm"],
        ["storms do not last forever", "friends make scary things less scary",
         "being brave means helping others even when you are scared", "after the rain comes the sun"],
        ["{HF} were friends forever."],
    )


def arc_gift(c):
    c.cast_hero()
    if c.chance(0.7):
        c.cast_friend()
        c.bind("R", c.friend)
    else:
        c.cast_parent()
        c.bind("R", c.parent)
    made, verb = c.z(L.GIFTS_MADE, 0.8)
    c.v["made"] = made
    c.v["makeverb"] = verb
    c.v["occasion"] = c.z(L.OCCASIONS, 1.3)
    c.set_place(PLACE_BY_NAME["living room"])
    p1 = intro(c)
    p2 = para(
        c.s("{Time}, {H} remembered that it was {Rs} {occasion} [tomorrow|soon|the next day].",
            "{Rs} {occasion} was coming [soon|tomorrow]."),
        c.s("{H} wanted to give {R} a [special|nice|wonderful] gift.", "{He} wanted to get {R} something special."),
        c.s("But {H} had no money.", "But {his} piggy bank was empty.", "But {H} did not know what to give."),
        c.s("{He} sat down and thought.", "{He} thought and thought.", "{H} felt {bad}."),
    )
    p3 = para(
        c.s("{Then} {he} had an idea!", "Suddenly, {he} had a [great|wonderful|bright] idea."),
        c.s("{He} " + verb + " " + made + ".", "{He} decided to make something. {He} " + verb + " " + made + "."),
        c.s("It took a long time, but {he} did not stop.", "{He} worked very hard.",
            "{He} worked on it all afternoon."),
        c.s("{Then} {he} wrapped it in [paper|a red ribbon|an old map|a piece of cloth].",
            "When it was done, {he} put it in a little box."),
    )
    p4 = para(
        c.s("On the big day, {R} opened lots of gifts.", "At the party, there were many gifts for {R}."),
        c.s("{Rhe} got {thing} and {thing}.", "There were lots of presents and a big cake."),
        c.s("{Then} {R} opened {Hs} gift.", "Last of all, {R} opened the gift from {H}."),
        c.s("{Rhe} smiled a big smile.", "{Rhis} eyes lit up.", "{Rhe} held it up for everyone to see."),
        c.say("R", "!", "You made this for me? I love it", "This is the best gift of all", "Oh, {H}! It is beautiful"),
        c.s("{R} gave {H} a big hug.", "{R} hugged {H} tight."),
    )
    return [p1, p2, p3, p4] + ending(
        c,
        ["made gifts for the people {he} loved", "remembered that a gift does not have to cost money"],
        ["the best gifts come from the heart", "a gift made with love is worth more than gold",
         "giving can feel even better than getting"],
        ["It was a {occasion} nobody would forget."],
    )


def arc_race(c):
    c.cast_hero()
    c.cast_friend()
    course = c.z(L.RACE_COURSES, 0.9)
    c.v["course"] = course
    c.set_place(c.pick_place(["park", "meadow", "field", "farm", "forest", "hill", "playground", "beach"], 0.9))
    c.cast_creature(c.z(["old owl", "wise turtle", "big bear", "old goat", "teacher", "farmer"], 0.9))
    p1 = intro(c)
    p2 = para(
        c.s("{F} was the fastest {fkind} {at_place}.", "{F} could run very fast."),
        c.s("{Fhe} liked to tell everyone how fast {fhe} was.", "{Fhe} always bragged about it."),
        c.say("F", "!", "Nobody can beat me", "I am the fastest of all", "I bet you can't catch me"),
        c.say("H", ".", "I will race you", "Let's have a race", "I will try"),
        c.s("So they agreed to race {course}.", "They decided to race {course}."),
        c.s("All their friends came to watch.", "Lots of animals came to watch.", "A crowd came to watch."),
        c.say("C", "!", "Ready, set, go"),
    )
    twist = c.z(["nap", "help", "trip"], 0.6)
    if twist == "nap":
        p3 = para(
            c.s("{F} ran fast and was soon far ahead.", "{F} zoomed off and was soon far away.", "{F} ran {as_fast}."),
            c.s("{Fhe} was so far ahead that {fhe} lay down for a nap under a tree.",
                "{Fhe} stopped to eat some {snack} and then fell asleep."),
            c.s("{H} kept going, step by step.", "{H} did not stop. {He} kept going."),
            c.s("When {F} woke up, {H} was almost at the finish!", "{F} woke up and ran as fast as {fhe} could, but it was too late."),
            c.s("{H} won the race!", "{H} crossed the line first!"),
        )
        lessons = ["slow and steady wins the race", "bragging does not win races", "you should never give up"]
    elif twist == "help":
        p3 = para(
            c.s("They both ran very fast.", "They ran side by side."),
            c.s("Halfway, {H} saw a {wild} stuck in a bush.", "On the way, {H} heard a little cry for help."),
            c.s("{He} stopped to help it.", "{H} stopped running and helped."),
            c.s("{F} crossed the finish line first.", "{F} won the race."),
            c.s("But everyone cheered for {H}, because {he} had been so kind.",
                "But the {cnoun} gave {H} a medal for kindness."),
        )
        lessons = ["being kind is more important than winning", "helping others is the best way to win"]
    else:
        p3 = para(
            c.s("{F} ran so fast that {fhe} tripped over a rock.", "{F} did not look where {fhe} was going and fell down."),
            c.s("{Fhe} hurt {fhis} knee.", "{Fhe} could not get up."),
            c.s("{H} stopped and helped {F} up.", "{H} ran back and held out {his} hand."),
            c.s("They crossed the finish line together.", "They walked to the finish line side by side."),
            c.say("F", ".", "Thank you, {H}. You are a true friend", "I am sorry I bragged"),
        )
        lessons = ["it is better to be a good friend than to win", "friends help each other up",
                   "winning is not everything"]
    p4 = para(
        c.s("{HF} laughed.", "Everyone cheered.", "The {cnoun} smiled."),
        c.maybe(0.6, "After that, {F} did not brag anymore.", "{HF} became good friends.",
                "They had {snack} together to celebrate."),
    )
    return [p1, p2, p3, p4] + ending(
        c, ["did {his} best", "cheered for others", "tried to be a kind friend"], lessons)


def arc_mended(c):
    c.cast_hero()
    thing, has, how, fix, result = c.z(L.BROKEN, 0.8)
    c.v["bobj"] = thing
    fixer = c.z(["M", "F"], 0.8)
    if fixer == "M":
        c.cast_parent()
    else:
        c.cast_friend()
    c.bind("X", c.roles[fixer])
    c.v["Xintro"] = "{M}" if fixer == "M" else "[{his} friend {F}|{his} best friend {F}|{F} the {fkind}]"
    c.set_place(c.pick_place(["backyard", "park", "living room", "garden", "bedroom", "beach", "playground"], 0.9))
    p1 = intro(c, [c.s("{H} " + has + ".")])
    p2 = para(
        c.s("{He} played with [it|the {bobj}] every day.", "{He} loved it very much."),
        c.s("{Time}, " + how + ".", "But {time}, " + how + "."),
        c.s("{H} was {bad}.", "{H} began to cry.", "{H} looked at the {bobj} and sniffed."),
        c.say("H", ".", "My {bobj} is broken", "Now it is ruined", "I will never play with it again"),
    )
    p3 = para(
        c.s("{Xintro} came to see what was wrong.", "{Then} {Xintro} came over.", "{Xintro} heard {H} crying."),
        c.say("X", ".", "Don't cry. I think we can fix it", "Let me see. We can fix this together",
              "Broken things can often be mended"),
        c.s("{X} got [some tools|a little box of tools|glue and tape].", "They sat down together at the table."),
        c.s("Together, they " + fix + ".", "{X} showed {H} how. They " + fix + "."),
        c.s("It took a long time.", "It was slow work, but they did not rush.", "{H} helped as much as {he} could."),
    )
    p4 = para(
        c.s("At last, " + result + ".", "When they were done, " + result + "."),
        c.say("H", "!", "Thank you, {X}! It is as good as new", "You fixed it", "It is even better now"),
        c.s("{H} hugged {X}.", "{H} gave {X} a big hug."),
        c.maybe(0.5, "{H} was {good}.", "{He} felt {good} and warm inside."),
    )
    return [p1, p2, p3, p4] + ending(
        c,
        ["took good care of {his} things", "tried to fix things before giving up on them",
         "helped {his} friends fix their toys"],
        ["broken things can often be fixed with a little care", "it is better to fix things than to throw them away",
         "with patience, you can mend almost anything", "two hands are better than one"],
        ["{H} and {X} were very proud of their work."],
    )


def arc_new_friend(c):
    c.cast_hero()
    c.set_place(c.pick_place(["school", "park", "playground", "village", "beach", "farm", "forest", "library"], 0.9))
    c.cast_friend()
    p1 = intro(c)
    p2 = para(
        c.s("{Time}, a new {fkind} came {to_place}.", "{Time}, a new {fkind} moved in next door.",
            "{Time}, {H} saw a {fkind} {he} did not know {at_place}."),
        c.s("{Fhis} name was {F}.", "The new {fkind} was called {F}."),
        c.maybe(0.5, "{flooks}"),
        c.s("{F} was very shy.", "{F} did not know anyone.", "{F} looked a little {bad}."),
        c.s("{Fhe} stood all alone [by the fence|in the corner|near the door|under a tree] and did not talk to anyone.",
            "{Fhe} sat by {fhimself} and looked at {fhis} shoes."),
    )
    p3 = para(
        c.s("{H} saw {F} all alone.", "{H} noticed {F}."),
        c.s("{He} remembered how it felt to be new.", "{He} felt a little shy too, but {he} was brave."),
        c.s("{H} walked over and said hello.", "{H} went up to {F} with a smile."),
        c.say("H", "?", "Hi, I am {H}. Do you want to play with me", "Hello! Would you like to be my friend",
              "Do you want to play with us"),
        c.s("{F} looked up and smiled.", "{F} smiled a little smile."),
        c.say("F", "!", "Yes, please", "I would like that", "Okay"),
    )
    p4 = para(
        c.s("They {act_ed}.", "First, they {act_ed}."),
        c.s("{Then} they {act_ed}.", "After that, they {act_ed}."),
        c.s("{F} was funny and kind.", "{F} knew lots of fun games.", "{F} told very funny jokes."),
        c.s("{H} found out that {F} loved to {hobby} too.", "They both loved {food}."),
    )
    return [p1, p2, p3, p4] + ending(
        c,
        ["said hello to anyone who looked lonely", "played with {F}", "made new friends feel welcome"],
        ["a kind word can make a new friend", "everyone needs a friend", "being new is easier with a friend",
         "a smile is the best way to start a friendship"],
        ["By the end of the day, {HF} were best friends."],
    )


HELP_CASES = [
    # (creature, trouble, cry, fix, thanks)
    ("kitten", "was stuck high up in a tree", "meowed and meowed",
     "{H} got {M}, and {M} climbed a ladder and brought the kitten down", "The kitten purred and licked {Hs} nose"),
    ("baby bird", "had fallen out of its nest", "peeped and peeped",
     "{H} gently picked it up and put it back in its nest", "The mother bird sang a happy song"),
    ("duckling", "had lost its mother", "quacked sadly",
     "{H} looked along the water until {he} found the mother duck", "The duckling swam to its mother as fast as it could"),
    ("puppy", "was stuck in a hole under the fence", "whimpered",
     "{H} dug away the dirt until the puppy could wiggle out", "The puppy licked {his} face and wagged its tail"),
    ("turtle", "was stuck on its back", "kicked its little legs in the air",
     "{H} gently turned it over", "The turtle walked slowly away and looked back as if to say thank you"),
    ("bunny", "had its foot caught in a net", "squeaked",
     "{H} carefully untied the net", "The bunny hopped away and then turned to look at {him}"),
    ("lamb", "was lost far from the flock", "bleated",
     "{H} led it back to the farm", "The farmer thanked {H} with a jar of honey"),
    ("fish", "was stuck in a puddle left by the waves", "flapped its tail",
     "{H} scooped it up in a bucket and carried it back to the water", "The fish splashed its tail and swam away"),
    ("butterfly", "was stuck in a spider web", "flapped its wings",
     "{H} gently pulled the web away", "The butterfly flew in a circle around {Hs} head"),
    ("hedgehog", "was stuck in a garden net", "huffed and puffed",
     "{H} snipped the net with {M}'s scissors", "The hedgehog sniffed {his} hand and trotted away"),
    ("bee", "was too tired to fly", "buzzed very softly",
     "{H} gave it a drop of sugar water on a spoon", "After a rest, the bee flew off into the flowers"),
    ("baby squirrel", "could not get down from the roof", "chattered",
     "{H} leaned a long stick against the roof so it could climb down", "The squirrel ran down the stick to its mother"),
]


def arc_helping(c):
    c.cast_hero()
    c.cast_parent()
    creature, trouble, cry, fix, thanks = c.z(HELP_CASES, 0.8)
    c.cast_creature(creature)
    where = {"duckling": ["river", "pond", "lake"], "little fish": ["beach"], "lamb": ["meadow", "hill", "field"],
             "turtle": ["pond", "river", "beach", "garden"]}.get(creature,
                                                              ["park", "garden", "forest", "backyard", "meadow", "farm"])
    c.set_place(c.pick_place(where, 0.8))
    p1 = intro(c)
    p2 = para(
        c.s("{Time}, {H} was playing {at_place}.", "{Time}, {H} and {M} went for a walk {to_place}."),
        c.s("{He} {act_ed}.", "The sun was warm, and the birds were singing.", "{He} saw {sight}."),
        c.s("{Then} {he} heard a little sound.", "Suddenly, {he} heard a tiny cry."),
        c.s("{H} looked around.", "{H} followed the sound."),
    )
    p3 = para(
        c.s("There was a little " + creature + ". It " + trouble + ".",
            "It was a little " + creature + "! The " + creature + " " + trouble + "."),
        c.s("The " + creature + " " + cry + ".", "It looked very {scared}."),
        c.say("H", ".", "Don't worry, little " + creature + ". I will help you", "Oh, you poor thing",
              "Hold on, I am coming"),
    )
    p4 = para(
        c.s(fix + ".", "{H} thought hard. Then " + fix + "."),
        c.s("It was not easy, but {H} was [careful|gentle|patient].", "{H} was very careful."),
        c.s(thanks + "."),
        c.say("M", ".", "That was very kind of you, {H}", "I am proud of you, {H}"),
    )
    p5 = para(
        c.s("{H} felt warm and {good} inside.", "{H} smiled a big smile.", "{H} was {good}.", "{H} felt {as_happy}."),
        c.maybe(0.5, "Every day after that, {he} went to check on the " + creature + ".",
                "{He} told all {his} friends about the little " + creature + "."),
    )
    return [p1, p2, p3, p4, p5] + ending(
        c,
        ["helped anyone who needed it", "looked out for little animals", "treated animals kindly"],
        ["it feels good to help others", "even small friends need help sometimes",
         "kindness is always worth it", "you are never too small to help"],
        ["{He} hoped to see the " + creature + " again one day."],
    )


def arc_baking(c):
    c.cast_hero()
    c.cast_parent()
    c.set_place(PLACE_BY_NAME["kitchen"])
    what, steps = c.z(L.BAKES, 0.9)
    c.v["bake"] = what
    guest, gverb = c.z([("Grandma", "was"), ("the neighbors", "were"), ("{his} friends", "were"),
                        ("Grandpa", "was"), ("the new family next door", "was"), ("{his} aunt", "was"),
                        ("the old man next door", "was"), ("{his} cousins", "were")], 1.0)
    c.v["guest"] = guest
    p1 = intro(c)
    p2 = para(
        c.s("{Time}, {HM} decided to make {bake}.", "{Time}, {M} asked {H} to help make {bake}."),
        c.s("{Guest} " + gverb + " coming to visit.",
            "They wanted to surprise {guest}.", "It was a special day."),
        c.s("They put on [aprons|big aprons|their aprons] and washed their hands."),
        c.s("First, they " + steps[0] + ". Then they " + steps[1] + "."),
        c.s("Next, they " + steps[2] + ". Finally, they " + steps[3] + "."),
    )
    oops = c.z(["flour", "egg", "taste", "cat"], 0.9)
    if oops == "flour":
        p3 = para(c.s("{Then} {H} sneezed, and flour went everywhere!", "{Then} {H} dropped the bag of flour. Puff!"),
                  c.s("{HM} were white all over.", "There was flour on {his} nose and in {his} hair."),
                  c.s("They laughed and laughed.", "{M} laughed so hard that {mhe} had to sit down."))
    elif oops == "egg":
        p3 = para(c.s("{Then} an egg rolled off the table. Splat!", "{Then} {H} dropped an egg on the floor."),
                  c.say("H", "!", "Oops", "Oh no"),
                  c.say("M", ".", "That's okay. We have more eggs", "Everyone makes mistakes"),
                  c.s("They cleaned it up together.", "{H} wiped the floor with a cloth."))
    elif oops == "taste":
        p3 = para(c.s("{H} tasted a little bit.", "{H} licked the spoon."),
                  c.say("H", "!", "Yuck! It is salty", "Something is wrong"),
                  c.s("They had used salt instead of sugar!", "They had forgotten the sugar!"),
                  c.s("So they started again, and this time they got it right.",
                      "They laughed and fixed it."))
    else:
        p3 = para(c.s("{Then} the cat jumped onto the table!", "{Then} the dog came in and sniffed around."),
                  c.s("It put its paw right in the bowl.", "It knocked over a cup of milk."),
                  c.s("{H} giggled.", "{HM} laughed."),
                  c.say("M", ".", "Out you go, silly", "No treats for you"))
    p4 = para(
        c.s("Soon, the kitchen smelled [sweet|wonderful|warm and yummy].", "Soon, {bake} [was|were] ready.".replace(
            "[was|were]", "were" if what in ("cookies", "pancakes", "muffins") else "was")),
        c.s("When {guest} came, they all shared {bake}.", "They took {bake} to {guest}."),
        c.say("H", "!", "We made " + ("them" if what in ("cookies", "pancakes", "muffins") else "it") + " ourselves",
              "I helped", "Guess who helped"),
        c.s("Everyone said it was the best they had ever tasted.", "Everyone had a second helping.",
            "{Guest} smiled and said thank you."),
    )
    return [p1, p2, p3, p4] + ending(
        c,
        ["loved to bake with {M}", "helped in the kitchen", "shared {his} treats"],
        ["cooking together is fun even when it gets messy", "good food is best when shared",
         "mistakes can be fixed"],
        ["{H} could not wait to bake again."],
    )


def arc_planting(c):
    c.cast_hero()
    c.cast_parent()
    seed, plant, makes = c.z(L.PLANTS, 0.8)
    c.v["seed"] = seed
    c.v["plant"] = plant
    c.set_place(PLACE_BY_NAME["garden"])
    p1 = intro(c)
    p2 = para(
        c.s("{Time}, {M} gave {H} " + seed + ".", "{Time}, {H} found " + seed + " in {his} pocket."),
        c.s("{H} planted it in [a little pot|the garden|the soft dirt by the fence|a pot by the window]."),
        c.s("{He} watered it every day.", "{He} gave it water and sunshine."),
        c.s("But nothing happened.", "But the next day, there was nothing there.", "Days went by, but nothing grew."),
        c.say("H", "?", "Why is it not growing", "When will it grow", "Is it broken"),
        c.say("M", ".", "Plants need time. Be patient", "Good things take time", "Just wait and see"),
    )
    p3 = para(
        c.s("{H} waited and waited.", "So {H} waited."),
        c.maybe(0.6, "{He} sang songs to it.", "{He} told it stories.", "{He} checked on it every morning."),
        c.s("One morning, {he} saw a tiny green sprout!", "Then one day, a little green leaf popped up!"),
        c.say("H", "!", "Look! It is growing", "It is alive"),
    )
    p4 = para(
        c.s("The " + plant + " grew bigger and bigger.", "Every day, the " + plant + " grew a little taller."),
        c.s("{H} pulled out the weeds and [watered|took care of] it.", "{He} kept the birds away."),
        c.s("At the end of summer, it had " + makes + ".", "At last, it grew " + makes + "."),
        c.s("{H} was so proud.", "{H} showed it to everyone.", "{H} shared it with {his} friends."),
    )
    return [p1, p2, p3, p4] + ending(
        c,
        ["planted a new seed every spring", "waited patiently for things to grow", "took care of {his} garden"],
        ["good things take time", "patience is important", "with care, little things grow big"],
        ["{H} and {M} planted a whole garden the next year."],
    )



def arc_picnic(c):
    c.cast_hero()
    c.set_place(c.pick_place(L.PICNIC_PLACES, 0.9))
    if c.chance(0.6):
        c.cast_friend()
        c.v["W"] = "{his} friend {F}"
        c.v["WHO"] = "{HF}"
    else:
        c.cast_parent()
        c.v["W"] = "{M}"
        c.v["WHO"] = "{HM}"
    foods = []
    while len(foods) < 3:
        f = c.z(L.FOODS + L.FOODS_MULTI, 0.8)
        if f not in foods:
            foods.append(f)
    c.v["foods"] = f"{foods[0]}, {foods[1]} and {foods[2]}"
    trouble, fix = c.z(L.PICNIC_TROUBLE, 0.8)
    p1 = intro(c)
    p2 = para(
        c.s("{Time}, {H} and {W} went on a picnic {at_place}.", "{Time}, {H} wanted to have a picnic.",
            "{Time}, {WHO} packed a basket for a picnic."),
        c.s("They packed {foods}.", "In the basket there were {foods}.", "{H} helped pack {foods}."),
        c.s("{weather}"),
        c.s("They spread a [big|checked|red and white|soft] blanket on the grass.",
            "They found a nice spot near {feature}."),
    )
    p3 = para(
        c.s("They ate and talked and laughed.", "Everything tasted so good.", "{H} ate until {he} was full."),
        c.s("But then " + trouble + "!", "Suddenly, " + trouble + "!"),
        c.say("H", "!", "Oh no", "Hey, come back", "Look at that"),
        c.s(fix + "."),
    )
    p4 = para(
        c.s("After lunch, they {act_ed}.", "Later, they lay on the blanket and looked at the clouds."),
        c.maybe(0.6, "One cloud looked like a [rabbit|dragon|ship|big fish|castle].",
                "{H} saw {sight}."),
        c.s("When the sun went down, they packed up and went home.", "At last it was time to go home."),
        c.say("H", "?", "Can we have another picnic tomorrow", "Can we do this again"),
    )
    return [p1, p2, p3, p4] + ending(
        c, ["took a picnic basket on sunny days", "shared {his} food with the animals"],
        ["little problems do not have to spoil a happy day", "food tastes best when you share it outside with friends",
         "laughing is better than getting cross"],
        ["It was a perfect picnic."])


def arc_treasure(c):
    c.cast_hero()
    c.cast_friend()
    start = c.z(L.TREASURE_START, 0.8)
    c.set_place(c.pick_place(["park", "forest", "beach", "garden", "backyard", "farm", "island", "village", "meadow"], 0.9))
    clues = []
    while len(clues) < 2:
        cl = c.z(L.TREASURE_CLUES, 0.6)
        if cl not in clues:
            clues.append(cl)
    prize = c.z(L.TREASURES, 0.7)
    p1 = intro(c)
    p2 = para(
        c.s("{Time}, {H} " + start + "."),
        c.s("On the map was a big red X.", "There was a dotted line and a big X on it."),
        c.say("H", "!", "It is a treasure map", "Treasure! We have to find it"),
        c.s("{H} ran to get {his} friend {F}.", "{H} showed the map to {his} friend {F}."),
        c.s("The map showed the way {to_place}.", "The X was somewhere {at_place}."),
    )
    p3 = para(
        c.s("{HF} took a shovel and set off.", "They set off with a shovel and a bottle of water."),
        c.s("The first clue said, \"" + clues[0] + ".\""),
        c.s("So they did.", "They did just that.", "They followed the clue."),
        c.s("The next clue said, \"" + clues[1] + ".\""),
        c.maybe(0.5, "{F} found a small arrow drawn on a stone.", "They got lost once, but the map helped them.",
                "They walked past {feature}."),
    )
    p4 = para(
        c.s("At last they found the X.", "Finally, they found the spot."),
        c.s("They dug and dug.", "They took turns digging."),
        c.s("Clunk! The shovel hit something hard.", "{Then} they saw the corner of a box."),
        c.s("Inside was " + prize + ".", "In the box they found " + prize + "."),
        c.say("F", "!", "We found the treasure", "We did it", "Hooray"),
        c.s("They cheered and danced around the hole.", "They jumped up and down."),
    )
    return [p1, p2, p3, p4] + ending(
        c, ["went looking for adventures with {F}", "kept the map in a safe place"],
        ["the best treasure is a good friend to share adventures with", "adventures are more fun together",
         "if you follow the clues, you will find your way"],
        ["It was the best adventure ever."])


def arc_snow(c):
    c.cast_hero()
    c.cast_friend()
    c.set_place(c.pick_place(["park", "backyard", "hill", "field", "village", "meadow", "garden"], 0.9))
    things = []
    while len(things) < 2:
        t = c.z(L.SNOW_THINGS, 0.7)
        if t not in things:
            things.append(t)
    p1 = intro(c)
    p2 = para(
        c.s("One winter morning, {H} looked out the window.", "One cold morning, {H} woke up early."),
        c.s("Everything was white!", "The whole world was covered in snow!", "Snow was falling softly from the sky."),
        c.say("H", "!", "It snowed", "Snow! Real snow", "Let's go out and play"),
        c.s("{He} put on {his} warm coat, {his} boots and {his} [=red|blue|green|yellow] mittens.",
            "{He} put on {his} hat, {his} scarf and {his} boots."),
    )
    p3 = para(
        c.s("{H} met {F} {at_place}.", "{F} was already outside."),
        c.s("First, they " + things[0] + "."),
        c.s("{Then} they " + things[1] + "."),
        c.s("Their cheeks were red, and their noses were cold.", "The snow crunched under their boots."),
    )
    p4 = para(
        c.s("After a while, {H} began to shiver.", "Soon their fingers were cold and wet."),
        c.s("They went inside to warm up.", "So they ran home."),
        c.s("{H} had a cup of hot cocoa.", "They drank hot cocoa by the fire.", "They sat by the stove with warm blankets."),
        c.s("Outside, the snow kept falling.", "They watched the snowflakes dance outside the window."),
    )
    return [p1, p2, p3, p4] + ending(
        c, ["looked forward to the first snow", "played in the snow with {F}"],
        ["every season has its own fun", "a cold day can be full of warm fun", "play is better with a friend"],
        ["It was the best snow day ever."])


def arc_school(c):
    c.cast_hero(person_p=1.0)
    c.cast_parent()
    tname, tg = c.z(L.TEACHERS, 0.8)
    from storygen import Char, PRON
    c.bind("T", Char(tname, None, PRON[tg]))
    c.set_place(PLACE_BY_NAME["school"])
    acts = []
    while len(acts) < 2:
        a = c.z(L.CLASS_THINGS, 0.7)
        if a not in acts:
            acts.append(a)
    p1 = intro(c)
    p2 = para(
        c.s("{Time}, it was {Hs} first day at school.", "Today was {Hs} first day at a new school."),
        c.s("{H} felt {scared}.", "{His} tummy felt full of butterflies.", "{H} did not want to go."),
        c.say("H", "?", "What if nobody likes me", "What if I get lost", "Can I stay home with you"),
        c.say("M", ".", "You will have a wonderful day", "Everyone is new on the first day", "I will be here when school is over"),
        c.s("{M} gave {him} a big hug and a kiss.", "{M} held {his} hand all the way to the door."),
    )
    p3 = para(
        c.s("{H} met {his} teacher, {T}.", "The teacher was called {T}."),
        c.s("{T} had a kind smile.", "{T} showed {him} where to put {his} bag."),
        c.s("The class " + acts[0] + ".", "First, they " + acts[0] + "."),
        c.s("{Then} they " + acts[1] + ".", "After that, they " + acts[1] + "."),
    )
    c.cast_friend(animal_p=0.0)
    p4 = para(
        c.s("At lunch, a {fkind} named {F} sat next to {H}.", "At play time, {F} asked {H} to play."),
        c.s("{F} was new too!", "{F} shared {fhis} apple with {H}.", "They played on the swings together."),
        c.s("When {M} came, {H} ran to {mhim}.", "At the end of the day, {M} was waiting at the gate."),
        c.say("H", "!", "School is fun! Can I come back tomorrow", "I made a friend", "I love school"),
    )
    return [p1, p2, p3, p4] + ending(
        c, ["looked forward to going to school", "said hello to new children"],
        ["new things can be scary at first but fun in the end", "a new place feels like home once you find a friend"],
        ["That night, {he} could not wait for the next day."])


def arc_bedtime(c):
    c.cast_hero()
    c.cast_parent()
    c.set_place(PLACE_BY_NAME["bedroom"])
    tr = []
    while len(tr) < 2:
        t = c.z(L.BEDTIME_TROUBLES, 0.7)
        if t not in tr:
            tr.append(t)
    helps = c.z(L.BEDTIME_HELP, 0.8)
    p1 = intro(c)
    p2 = para(
        c.s("One night, {H} could not sleep.", "It was bedtime, but {H} was wide awake."),
        c.s("{He} put on {his} pajamas and brushed {his} teeth.", "{He} got into bed and closed {his} eyes."),
        c.s("But " + tr[0] + ".", "The trouble was that " + tr[0] + "."),
        c.s("{He} turned this way and that way.", "{He} tossed and turned."),
        c.s("{Then} " + tr[1] + ".", "And " + tr[1] + "."),
    )
    p3 = para(
        c.s("{H} called for {M}.", "{H} got up and went to find {M}."),
        c.say("H", ".", "I can't sleep", "I am not sleepy at all", "My eyes won't stay closed"),
        c.s("{M} sat on the edge of the bed.", "{M} smiled and sat down next to {him}."),
        c.s("{Mhe} " + helps + ".", "{Then} {mhe} " + helps + "."),
    )
    p4 = para(
        c.s("{H} snuggled under {his} blanket.", "{H} hugged {his} teddy.", "{H} yawned a big yawn."),
        c.s("{His} eyes grew heavy.", "{He} felt warm and safe.", "Now {he} was {as_tired}."),
        c.s("Outside, the moon and the stars were shining.", "The house was quiet and still."),
        c.s("Soon {H} was fast asleep.", "In no time at all, {H} was fast asleep and dreaming."),
        c.maybe(0.5, "{He} dreamed about {thing}.", "{He} dreamed that {he} could fly over the town."),
    )
    return [p1, p2, p3, p4] + ending(
        c, ["asked {M} for a story when {he} could not sleep", "went to bed on time"],
        ["a little help can make the night feel safe", "it is okay to ask for help at bedtime"],
        ["Good night, {H}."])


def arc_show(c):
    c.cast_hero()
    act, did = c.z(L.SHOW_ACTS, 0.8)
    c.v["showact"] = act
    c.set_place(c.pick_place(["school", "village", "castle", "park", "library"], 1.0))
    if c.chance(0.5):
        c.cast_parent()
        c.v["Y"] = "{M}"
    else:
        c.cast_friend()
        c.v["Y"] = "{F}"
    c.bind("Y", c.roles["M"] if "M" in c.roles else c.roles["F"])
    p1 = intro(c)
    p2 = para(
        c.s("{Time}, there was a big show {at_place}.", "{Time}, {H} was going to be in the school show."),
        c.s("{H} was going to {showact}.", "{Hs} job was to {showact}."),
        c.s("{He} practiced every day for a week.", "{He} practiced in front of the mirror."),
        c.s("{He} had a [shiny|bright|new|funny] costume.", "{He} wore {his} best clothes."),
    )
    p3 = para(
        c.s("On the night of the show, {H} peeked out from behind the curtain.", "When it was {his} turn, {H} looked out at the crowd."),
        c.s("There were so many people!", "All of {crowd} were there.", "Every seat was full."),
        c.s("{His} knees began to shake.", "{H} felt {scared}.", "{His} mouth went dry."),
        c.say("H", ".", "I can't do it", "What if I make a mistake", "I want to go home"),
        c.s("{Y} [smiled|waved] from the front row.", "{Y} gave {him} a thumbs up."),
        c.say("Y", ".", "Just look at me and have fun", "You can do it. Take a deep breath", "It is okay to be nervous"),
    )
    p4 = para(
        c.s("{H} took a deep breath and walked into the light.", "{H} stepped onto the stage.",
            "{H} stood up, {as_brave}, and walked onto the stage."),
        c.s("{He} " + did + " as well as {he} could.", "{Then} {he} " + did + "."),
        c.maybe(0.5, "{He} made one small mistake, but {he} kept going.", "It went even better than in practice."),
        c.s("When {he} finished, everyone clapped and cheered.", "The crowd clapped and clapped."),
        c.s("{H} took a bow.", "{H} bowed and smiled."),
    )
    return [p1, p2, p3, p4] + ending(
        c, ["remembered to breathe when {he} felt nervous", "loved to {showact}"],
        ["being brave does not mean you are not scared", "it is okay to be nervous, and you can still do it",
         "mistakes do not spoil a show"],
        ["{He} could not wait for the next show."])


def arc_lost_pet(c):
    c.cast_hero(person_p=1.0)
    c.cast_parent()
    kind, pname, where, doing = c.z(L.PETS, 0.8)
    c.v["pet"] = pname
    c.v["petkind"] = kind
    c.set_place(c.pick_place(["village", "park", "garden", "backyard", "farm"], 0.9))
    p1 = intro(c, [c.s("{H} had a " + kind + " named " + pname + ".", "{His} best friend was a " + kind + " named " + pname + ".")])
    p2 = para(
        c.s("{Time}, " + pname + " was gone!", "{Time}, {H} could not find " + pname + " anywhere."),
        c.s("{H} looked in the house and in the yard.", "{H} called " + pname + " again and again."),
        c.say("H", "!", pname + ", where are you", "Come home, " + pname),
        c.s("But " + pname + " did not come.", "But there was no sign of " + pname + "."),
        c.s("{H} felt {bad}.", "{H} began to cry."),
    )
    p3 = para(
        c.s("{M} helped {him} make posters.", "{HM} made signs with a picture of " + pname + "."),
        c.s("They put the posters on trees and walls.", "They asked all the neighbors."),
        c.s("They looked [everywhere|all over town|up and down the street].", "They walked from house to house."),
    )
    p4 = para(
        c.s("At last, they found " + pname + " " + where + ".", "{Then} a neighbor called. " + pname + " was " + where + "!"),
        c.s(pname + " was " + doing + "."),
        c.say("H", "!", pname + "! You are safe", "I missed you so much", "There you are"),
        c.s("{H} gave " + pname + " a big hug.", "{H} held " + pname + " close and did not let go."),
    )
    return [p1, p2, p3, p4] + ending(
        c, ["made sure the gate was closed", "kept a close eye on " + pname],
        ["friends and neighbors can help you find what you have lost", "you should never give up hope"],
        ["That night, " + pname + " slept at the end of {Hs} bed."])


def arc_giant(c):
    c.cast_hero()
    who, rumor, real, helped, after = c.z(L.GIANTS, 0.8)
    c.cast_creature(who)
    lairs = ["beach", "harbor", "lake", "island"] if who == "sea monster" else ["village", "forest", "mountain", "hill", "river", "cave"]
    c.set_place(c.pick_place(lairs, 0.8))
    p1 = intro(c)
    p2 = para(
        c.s("Near the {place}, there lived a big " + who + ".", "Not far from the village, there lived a " + who + "."),
        c.s("Everyone said that the " + who + " " + rumor + ".", "People said the " + who + " " + rumor + "."),
        c.s("Nobody went near it.", "All the children were afraid of it.", "Everyone stayed far away."),
    )
    p3 = para(
        c.s("But {H} was curious.", "But {H} wanted to see for {himself}."),
        c.s("{Time}, {he} went to find the " + who + ".", "{Time}, {he} walked all the way {to_place}."),
        c.s("There sat the " + who + ", and it was crying!", "{H} found the " + who + " sitting all alone."),
        c.say("H", "?", "Why are you sad", "What is wrong", "Are you okay"),
        c.s("The " + who + " " + real + ".", "It turned out that the " + who + " " + real + "."),
    )
    p4 = para(
        c.s("{H} " + helped + ".", "{H} was brave. {He} " + helped + "."),
        c.say("C", "!", "Thank you, little friend", "You are the first one who was kind to me", "Thank you"),
        c.s("The " + who + " smiled a big smile.", "The " + who + " was not scary at all."),
        c.s("After that, the " + who + " " + after + ".", "From then on, the " + who + " " + after + "."),
        c.s("Now everyone liked the " + who + ".", "The people of the village were not afraid anymore."),
    )
    return [p1, p2, p3, p4] + ending(
        c, ["tried to get to know someone before judging them", "visited {his} friend the " + who],
        ["you should not judge someone before you know them", "a little kindness can turn a stranger into a friend",
         "not everything big is bad"],
        ["{H} and the " + who + " were friends forever."])


def arc_cleanup(c):
    c.cast_hero()
    c.cast_friend()
    c.set_place(c.pick_place(["park", "beach", "river", "forest", "playground", "lake", "meadow", "pond"], 0.9))
    trash = []
    while len(trash) < 3:
        t = c.z(L.TRASH, 0.7)
        if t not in trash:
            trash.append(t)
    c.v["trash"] = f"{trash[0]}, {trash[1]} and {trash[2]}"
    p1 = intro(c)
    p2 = para(
        c.s("{Time}, {H} went {to_place}.", "{Time}, {HF} went to play {at_place}."),
        c.s("But the {place} was a mess.", "But something was wrong."),
        c.s("There were {trash} everywhere.", "{H} saw {trash} all over the ground."),
        c.s("A little [bird|duck|turtle|squirrel] was tangled in an old bag.", "The animals looked {bad}.",
            "Even the flowers looked sad."),
    )
    p3 = para(
        c.say("H", "!", "We have to do something", "Let's clean it up", "This is not right"),
        c.s("{H} told {F} {his} idea.", "{H} asked {his} friends to help."),
        c.s("They got gloves and big bags.", "They brought bags and buckets."),
        c.s("Soon, {crowd} came to help too.", "More and more friends came to help."),
    )
    p4 = para(
        c.s("They picked up every bit of trash.", "They worked all morning."),
        c.s("They put the bottles and cans in the recycling bin.", "They sorted the trash into the right bins."),
        c.s("When they were done, the {place} was clean and [bright|beautiful|shiny].", "At last, everything was clean."),
        c.s("The birds sang, and the animals came back to play.", "It looked like a brand new {place}."),
    )
    return [p1, p2, p3, p4] + ending(
        c, ["put {his} trash in the bin", "cleaned up after {himself}"],
        ["we must take care of the places we love", "many small hands can do a big job", "a clean world is a happy world"],
        ["{HF} were very proud."])


def arc_wish(c):
    c.cast_hero()
    c.cast_friend()
    item = c.z(L.MAGIC_ITEMS, 0.8)
    silly = c.z(L.WISHES_SILLY, 0.8)
    trouble = c.z(L.WISH_TROUBLE, 0.8)
    kind = c.z(L.WISHES_KIND, 0.8)
    c.set_place(c.pick_place(s=0.9, outdoor=True))
    p1 = intro(c)
    p2 = para(
        c.s("{Time}, {H} found " + item + " {hide}.", "{Time}, while playing {at_place}, {H} found " + item + "."),
        c.s("When {he} picked it up, it began to glow.", "It sparkled in the sun."),
        c.s("A tiny voice said, \"You may have two wishes.\"", "A little voice said, \"I will give you two wishes.\""),
        c.s("{H} could not believe {his} ears!", "{H} was so {surprised}."),
    )
    p3 = para(
        c.s("{H} thought for a moment.", "{H} did not think for long."),
        c.say("H", "!", "I wish for " + silly, "I want " + silly),
        c.s("Poof! Just like that, {he} had " + silly + ".", "In a flash, {he} had " + silly + "."),
        c.s("At first it was fun, but then " + trouble + ".", "It was fun for a little while. But soon " + trouble + "."),
    )
    p4 = para(
        c.s("{H} thought about {his} friend {F}.", "{Then} {H} remembered {his} friend {F}."),
        c.s("{He} made {his} second wish. {He} wished " + kind + ".",
            "So {he} used {his} last wish. {He} wished " + kind + "."),
        c.s("Poof! The wish came true.", "And so it did."),
        c.s("{H} felt much happier than before.", "This wish made {him} feel warm inside."),
    )
    return [p1, p2, p3, p4] + ending(
        c, ["thought of others first", "remembered that kindness is the best magic"],
        ["the best wishes are the ones for other people", "kindness is the best magic of all",
         "having lots of things does not always make you happy"],
        ["{H} kept " + item.replace("an ", "the ", 1).replace("a ", "the ", 1) + " on {his} shelf forever."])



def arc_doctor(c):
    c.cast_hero(person_p=0.8)
    c.cast_parent()
    hurt = c.z([("fell off the swing and scraped {his} knee", "a bandage with stars on it", "knee"),
                ("woke up with a cough and a hot forehead", "some medicine that tasted like cherries", "chest"),
                ("had a sore ear", "some warm drops for {his} ear", "ear"),
                ("got a splinter in {his} finger", "a tiny pair of tweezers and a kiss", "finger"),
                ("had a tummy ache", "some peppermint tea and a rest", "tummy"),
                ("needed a check-up", "a shiny sticker for being brave", "arm")], 0.8)
    what, cure, part = hurt
    dname = c.z(["Dr. Lee", "Dr. Green", "Dr. Patel", "Dr. Rose", "Dr. Bear", "Dr. Owl", "Dr. Mendez"], 0.9)
    c.v["D"] = dname
    c.set_place(PLACE_BY_NAME["village"])
    p1 = intro(c)
    p2 = para(
        c.s("{Time}, {H} " + what + ".", "One morning, {H} " + what + "."),
        c.s("{M} said it was time to see the doctor.", "{M} took {him} to see {D}."),
        c.s("{H} felt {scared}.", "{H} did not like doctors one bit."),
        c.say("H", "?", "Will it hurt", "Do I have to go", "Will the doctor be nice"),
        c.say("M", ".", "I will be with you the whole time", "The doctor is here to help you"),
    )
    p3 = para(
        c.s("In the waiting room, there were toys and books.", "The waiting room had fish in a big tank."),
        c.s("{Then} a nurse called {Hs} name.", "Soon it was {Hs} turn."),
        c.s("{D} had a warm smile and cold hands.", "{D} wore a white coat and had a kind voice."),
        c.s("{D} listened to {Hs} heart with a stethoscope.", "{D} looked at {Hs} " + part + " very carefully.",
            "{D} checked {Hs} " + part + " and took {his} temperature."),
        c.s("{H} held {M}'s hand tight.", "{H} was brave and sat very still."),
    )
    p4 = para(
        c.s("{D} gave {him} " + cure + ".", "At the end, {D} gave {him} " + cure + "."),
        c.say("M", ".", "You were so brave", "I am proud of you"),
        c.s("It did not hurt much at all.", "It was not scary after all."),
        c.s("In a few days, {H} felt much better.", "Soon {he} was running and playing again."),
    )
    return [p1, p2, p3, p4] + ending(
        c, ["remembered that doctors help us", "was brave at the doctor's office"],
        ["doctors and nurses are there to help us", "being brave is easier with someone you love",
         "things are often less scary than we think"],
        ["{H} told all {his} friends about {D}."])


def arc_honesty(c):
    c.cast_hero()
    c.cast_parent()
    c.set_place(c.pick_place(["living room", "kitchen", "garden", "backyard", "bedroom"], 0.8))
    thing, how = c.z([("{M}'s favorite vase", "knocked {M}'s favorite vase off the table with {his} ball"),
                      ("the cookie jar", "ate all the cookies in the cookie jar before dinner"),
                      ("the window", "cracked the window with a ball"),
                      ("the new lamp", "bumped into the new lamp while dancing, and it broke"),
                      ("the garden flowers", "trampled the garden flowers while chasing a butterfly"),
                      ("{M}'s glasses", "sat on {M}'s glasses and bent them"),
                      ("the big pie on the windowsill", "took a big bite out of the pie on the windowsill")], 0.8)
    c.v["broke"] = thing
    p1 = intro(c)
    p2 = para(
        c.s("{Time}, {H} was playing {at_place}.", "{Time}, {H} was home alone {at_place} for a little while."),
        c.s("By accident, {he} " + how + ".", "Oops! {He} " + how + "."),
        c.s("{H} felt {scared}.", "{His} heart beat fast."),
        c.s("{He} hid the mess [under the rug|behind the sofa|in a box|behind a bush].", "{He} ran away to {his} room."),
    )
    p3 = para(
        c.s("When {M} came home, {mhe} saw what had happened.", "Soon {M} found out about {broke}."),
        c.say("M", "?", "Do you know what happened to {broke}", "Who did this"),
        c.s("{H} did not want to get in trouble.", "{H} wanted to say it was the cat."),
        c.s("But {he} felt a heavy feeling in {his} tummy.", "But {his} cheeks turned red."),
    )
    p4 = para(
        c.s("{H} took a deep breath.", "{H} looked at {his} feet."),
        c.say("H", ".", "It was me. I am sorry", "I did it. I am very sorry", "I am sorry. It was an accident"),
        c.s("{M} was quiet for a moment.", "{M} knelt down next to {him}."),
        c.say("M", ".", "Thank you for telling me the truth", "I am glad you told me. Let's fix it together"),
        c.s("{HM} cleaned up the mess together.", "Together they made things right."),
        c.s("The heavy feeling went away.", "{H} felt light as a feather."),
    )
    return [p1, p2, p3, p4] + ending(
        c, ["told the truth, even when it was hard", "said sorry when {he} made a mistake"],
        ["it is always best to tell the truth", "honesty makes the heavy feelings go away",
         "everyone makes mistakes, and saying sorry helps"],
        ["{M} gave {him} a big hug."])


def arc_rainy(c):
    c.cast_hero()
    c.cast_friend()
    c.set_place(PLACE_BY_NAME["living room"])
    c.v["plan"] = c.z(["go to the park", "play football", "ride bikes", "go to the beach", "have a picnic", "fly kites"], 0.8)
    games = []
    while len(games) < 2:
        g = c.z(["built a fort out of pillows and blankets", "put on a puppet show with old socks",
                 "played a board game", "made a tent under the table", "painted funny faces",
                 "made a band with pots and pans", "played hide and seek in the house",
                 "baked little cakes", "had a dance party", "made paper airplanes",
                 "told ghost stories with a flashlight", "did a giant jigsaw puzzle"], 0.7)
        if g not in games:
            games.append(g)
    p1 = intro(c)
    p2 = para(
        c.s("{Time}, {HF} wanted to {plan}.", "{H} and {his} friend {F} had a plan to {plan}."),
        c.s("But it was raining [hard|all day|cats and dogs].", "But when they looked outside, it was pouring rain."),
        c.s("Drip, drop went the rain on the window.", "The raindrops ran down the glass."),
        c.say("F", ".", "Now we can't go out", "This is the worst day", "What can we do now"),
        c.s("{F} felt {bad}.", "They both sat by the window and sighed."),
    )
    p3 = para(
        c.s("{Then} {H} had an idea.", "{Then} {H} jumped up."),
        c.say("H", "!", "We can have fun inside", "Let's make our own fun"),
        c.s("First, they " + games[0] + ".", "They " + games[0] + "."),
        c.s("{Then} they " + games[1] + ".", "After that, they " + games[1] + "."),
        c.s("They laughed so hard that their tummies hurt.", "They were having so much fun."),
    )
    p4 = para(
        c.s("When they looked outside again, the rain had stopped.", "Later, the sun came out."),
        c.s("But they were having too much fun to stop.", "They put on their boots and jumped in the puddles."),
        c.say("F", "!", "This was the best rainy day ever", "Can we do this again"),
    )
    return [p1, p2, p3, p4] + ending(
        c, ["found a way to have fun, rain or shine", "loved rainy days"],
        ["you can have fun anywhere if you use your imagination", "a rainy day can be a happy day"],
        ["{HF} could not wait for the next rainy day."])


def arc_baby(c):
    c.cast_hero()
    c.cast_parent()
    c.set_place(PLACE_BY_NAME["living room"])
    sib = c.z(["brother", "sister"], 0.0)
    c.v["sib"] = sib
    c.v["sibpron"] = "him" if sib == "brother" else "her"
    c.v["sibhe"] = "he" if sib == "brother" else "she"
    p1 = intro(c)
    p2 = para(
        c.s("{Time}, {M} came home with a new baby " + sib + ".", "{Time}, {H} got a new baby " + sib + "."),
        c.s("The baby was tiny and pink and very loud.", "The baby cried and cried."),
        c.s("Everyone wanted to hold the baby.", "All the visitors only looked at the baby."),
        c.s("Nobody looked at {H}.", "{H} felt left out.", "{H} felt a little jealous."),
        c.say("H", ".", "Nobody plays with me anymore", "I wish the baby would go away"),
    )
    p3 = para(
        c.s("{M} sat down with {H}.", "That night, {M} came to {Hs} room."),
        c.say("M", ".", "The baby needs a big " + ("sister" if c.hero.pron.he == "she" else "brother") + " like you",
              "I love you just as much as before"),
        c.s("{M} showed {H} how to hold the baby.", "{M} let {H} give the baby a bottle."),
        c.s("The baby held {Hs} finger with {sibpron} tiny hand.", "The baby looked at {H} and smiled."),
    )
    p4 = para(
        c.s("{H} sang the baby a song.", "{H} made funny faces, and the baby giggled."),
        c.s("Soon the baby stopped crying and fell asleep.", "The baby cooed and kicked {sibpron} little feet."),
        c.s("{H} felt proud and warm inside.", "{H} felt like the best big " + ("sister" if c.hero.pron.he == "she" else "brother") + " in the world."),
    )
    return [p1, p2, p3, p4] + ending(
        c, ["helped take care of the baby", "sang songs to the baby"],
        ["there is enough love for everyone in a family", "being a big " + ("sister" if c.hero.pron.he == "she" else "brother") + " is a special job"],
        ["{H} and the baby became the best of friends."])


def arc_space(c):
    c.cast_hero()
    c.cast_friend()
    c.set_place(PLACE_BY_NAME["backyard"])
    dest = c.z(["the moon", "Mars", "a ring planet", "a purple planet", "the stars", "a planet made of candy"], 0.8)
    alien = c.z(["a little green alien", "a friendly space cat", "a robot with blinking lights",
                 "a blue alien with three eyes", "a moon bunny"], 0.8)
    p1 = intro(c)
    p2 = para(
        c.s("{Time}, {HF} found a big cardboard box.", "{Time}, {H} had a big idea."),
        c.s("They made it into a rocket ship.", "They turned the box into a rocket."),
        c.s("They painted it silver and drew buttons on the front.", "They cut out round windows and added a paper flag."),
        c.s("They put on their space helmets.", "They wore bowls on their heads as helmets."),
        c.say("H", "!", "Ten, nine, eight, seven, six, five, four, three, two, one, blast off", "Three, two, one, blast off"),
    )
    p3 = para(
        c.s("Whoosh! The rocket flew up into the sky.", "Zoom! Up, up, up they went."),
        c.s("They flew past [shooting stars|bright comets|the clouds|twinkling stars].",
            "They saw the earth, small and blue, far below."),
        c.s("At last, they landed on " + dest + ".", "Soon they landed on " + dest + "."),
        c.s("The ground was [bumpy|dusty|soft|sparkly] and full of craters.", "Everything was quiet and strange."),
        c.s("There they met " + alien + ".", "Out from behind a rock came " + alien + "."),
        c.say("F", "?", "Hello! Do you want to be our friend", "Where are we"),
    )
    p4 = para(
        c.s("They played a jumping game, because everything was so light.", "They bounced high in the air."),
        c.s("{Then} they heard a voice from far away.", "{Then} they heard someone call."),
        c.say("H", ".", "That is " + ("Mom" if c.chance(0.6) else "Dad") + ". It is time for dinner", "We have to go home"),
        c.s("They waved goodbye and flew back home.", "They said goodbye and zoomed back to earth."),
        c.s("They landed right in the backyard.", "Bump! They landed in the grass."),
    )
    return [p1, p2, p3, p4] + ending(
        c, ["looked up at the stars at night", "dreamed of flying to space"],
        ["with a little imagination, a box can become anything", "the best adventures start at home"],
        ["That night, {H} waved at the moon from {his} window."])


def arc_pirates(c):
    c.cast_hero()
    c.cast_friend()
    c.set_place(c.pick_place(["backyard", "beach", "pond", "lake", "park"], 0.8))
    ship = c.z(["an old rowboat", "a big cardboard box", "a wooden bench", "a raft made of logs", "a blow-up boat"], 0.8)
    p1 = intro(c)
    p2 = para(
        c.s("{Time}, {HF} decided to be pirates.", "{Time}, {H} said, \"Let's play pirates!\""),
        c.s("{H} was the captain, and {F} was the first mate.", "They made hats out of newspaper."),
        c.s("Their ship was " + ship + ".", "They used " + ship + " as their ship."),
        c.s("They tied a {color} scarf to a stick for a flag.", "They drew a map with a big X."),
        c.say("H", "!", "Ahoy! Pull up the anchor", "All aboard", "Set sail"),
    )
    p3 = para(
        c.s("They sailed across the [wild|stormy|wide] sea.", "The waves went up and down."),
        c.s("{F} looked through a spyglass made of paper.", "{F} climbed up to look out."),
        c.say("F", "!", "Land ho", "I see an island", "Look out, a sea monster"),
        c.s("They landed on an island [with tall palm trees|covered in shells|with a tall rock|shaped like a boot].",
            "Soon they reached a little island."),
        c.s("They searched for treasure and found {thing}.", "They dug in the sand and found {thing}."),
    )
    p4 = para(
        c.s("{Then} the sea monster came!", "{Then} a big wave rocked the ship."),
        c.s("It was only {Hs} dog, who wanted to play.", "It was just the neighbor's cat, looking for fun."),
        c.s("The pirates laughed and made it the ship's mascot.", "The brave pirates gave the monster a treat."),
        c.s("When the sun went down, the pirates sailed home for supper.", "At sunset, they sailed back to port."),
    )
    return [p1, p2, p3, p4] + ending(
        c, ["played pirates with {F}", "kept the treasure in a box under {his} bed"],
        ["friends make every adventure better", "the best treasure is the fun you have along the way"],
        ["Yo ho ho, it was a happy day."])


def arc_moving(c):
    c.cast_hero()
    c.cast_parent()
    c.set_place(c.pick_place(["village", "park", "backyard", "garden"], 0.8))
    p1 = intro(c)
    p2 = para(
        c.s("{Time}, {M} said that they were moving to a new house.", "{Time}, {Hs} family packed up all their things."),
        c.s("{H} put {his} toys into boxes.", "There were boxes everywhere."),
        c.s("A big truck came to take the boxes away.", "Two strong movers carried the sofa to a truck."),
        c.s("{H} said goodbye to {his} old room.", "{H} looked at the empty room and felt {bad}."),
        c.say("H", ".", "I don't want to leave", "I will miss my friends", "What if I don't like the new house"),
    )
    p3 = para(
        c.s("The new house was big and quiet.", "The new house had {color} walls and a creaky door."),
        c.s("{His} new room was empty.", "Nothing felt like home."),
        c.s("{M} helped {him} unpack {his} things.", "{HM} put up {his} pictures on the wall."),
        c.s("Soon the room looked like {his} again.", "{He} put {his} teddy on the bed and felt a little better."),
    )
    c.cast_friend()
    p4 = para(
        c.s("{Then} there was a knock at the door.", "The next day, {H} went outside {to_place}."),
        c.s("It was a {fkind} named {F} from next door.", "There {H} met a {fkind} named {F}."),
        c.say("F", "?", "Do you want to play", "Are you new here", "Do you want to see my secret hideout"),
        c.s("They {act_ed} until it got dark.", "They played all afternoon."),
        c.s("That night, the new house felt like home.", "The new house did not feel so strange anymore."),
    )
    return [p1, p2, p3, p4] + ending(
        c, ["wrote letters to {his} old friends and played with {F}", "loved {his} new home"],
        ["home is where the people you love are", "new places can become happy places",
         "change is hard at first, but it can bring good things"],
        ["{H} was happy in {his} new home."])


ARCS = [arc_lost, arc_sharing, arc_noise, arc_learning, arc_trip, arc_new_friend, arc_storm,
        arc_gift, arc_race, arc_mended, arc_helping, arc_baking, arc_planting, arc_picnic,
        arc_treasure, arc_snow, arc_school, arc_bedtime, arc_show, arc_lost_pet, arc_giant,
        arc_cleanup, arc_wish, arc_doctor, arc_honesty, arc_rainy, arc_baby, arc_space,
        arc_pirates, arc_moving]


def build(c) -> list[str]:
    arc = c.z(ARCS, 0.5)
    return arc(c)
