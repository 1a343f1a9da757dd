"""Word lists for storygen.

Written from scratch for DecodeLab.  Every list is ordered on purpose: the
generator draws most slots with a Zipf-like weight 1/(rank+1)**s, so the
first entries of a list are the frequent "habits" and the tail supplies the
long, flat-ish spread of plausible alternatives.  Reordering a list changes
the corpus (and the branching statistics), so append new entries at the end.

Only printable ASCII is allowed anywhere in this file's strings.
Template syntax understood by storygen.Ctx.x():
    [a|b|c]   choose one, Zipf-weighted (first is most likely)
    [=a|b|c]  choose one, uniformly
    {name}    a story variable or generator; {Name} capitalises it
"""

# ---------------------------------------------------------------- names
GIRL_NAMES = """
Lily Mia Sue Anna Emma Lucy Sara Zoe Amy Ella Rose Kate Molly Daisy Ruby
Jenny Nina Maya Ava Grace Hannah Ivy Lola Tina Alice Bella Clara Mary Nora
Olivia Sophie Jane Lisa Holly Polly Sally Penny Stella Hazel Iris Violet
Wendy Abby Beth Cora Dora Eva Fiona Gina Gwen Jade Julia Kara Kelly Kim Lara
Lena May Megan Nadia Nell Opal Pam Quinn Rita Rosie Tara Tess Tilly Uma Vera
Willa Wren Yara Zara Amara Leila Priya Mei Aiko Sofia Lucia Ines Elsa Faye
Greta Heidi Ingrid Josie Lottie Maisie Phoebe Ruth Susie Trudy
""".split()

BOY_NAMES = """
Tom Ben Max Sam Tim Jack Leo Joe Finn Jake Alex Noah Oliver Henry Peter
Danny Eli Owen Luke Adam Bobby Charlie Dan Eddie Felix George Harry Ian Jamie
Kevin Liam Mark Nick Oscar Paul Ray Ryan Simon Teddy Victor Will Zack Arlo
Billy Caleb Dylan Ethan Frank Gus Hugo Ivan Jonah Kai Louis Milo Ned Otto
Pete Reed Seth Theo Toby Vince Wade Yusuf Zane Omar Ravi Kenji Mateo Diego
Amir Kofi Ali Rex Ollie Archie Bruno Carl Dev Emil Fred Gabe Hank Jasper Kit
Lenny Marco Nate Rudy Stan Walt
""".split()

# pet-style names for animal characters: (name, "he"/"she")
PET_NAMES = [
    ("Spot", "he"), ("Fluffy", "she"), ("Buddy", "he"), ("Coco", "she"),
    ("Whiskers", "he"), ("Snowball", "she"), ("Rusty", "he"), ("Muffin", "she"),
    ("Patch", "he"), ("Bubbles", "she"), ("Biscuit", "he"), ("Sunny", "she"),
    ("Pepper", "he"), ("Ginger", "she"), ("Ziggy", "he"), ("Button", "she"),
    ("Shadow", "he"), ("Honey", "she"), ("Oreo", "he"), ("Cookie", "she"),
    ("Peanut", "he"), ("Luna", "she"), ("Tiger", "he"), ("Misty", "she"),
    ("Bingo", "he"), ("Pebble", "she"), ("Rocky", "he"), ("Poppy", "she"),
    ("Scout", "he"), ("Sugar", "she"), ("Pip", "he"), ("Velvet", "she"),
    ("Chip", "he"), ("Willow", "she"), ("Dusty", "he"), ("Clover", "she"),
    ("Flash", "he"), ("Dotty", "she"), ("Gizmo", "he"), ("Fern", "she"),
    ("Jumbo", "he"), ("Goldie", "she"), ("Noodle", "he"), ("Jelly", "she"),
    ("Pickles", "he"), ("Lulu", "she"), ("Rascal", "he"), ("Maple", "she"),
    ("Scamp", "he"), ("Nutmeg", "she"), ("Waffles", "he"), ("Peaches", "she"),
    ("Zippy", "he"), ("Sparkle", "she"), ("Comet", "he"), ("Trixie", "she"),
    ("Fuzzy", "he"), ("Twinkle", "she"), ("Nibbles", "he"), ("Blossom", "she"),
]

PARENTS = [  # (how the story names them, pronoun)
    ("Mom", "she"), ("Dad", "he"), ("Grandma", "she"), ("Grandpa", "he"),
    ("Mama", "she"), ("Papa", "he"), ("Aunt Rose", "she"), ("Uncle Bob", "he"),
    ("Nana", "she"), ("Granny", "she"),
]

# ---------------------------------------------------------------- kinds
# Kind(sing, plural, move, sound_verb, sound, food, adjs, flags)
#   flags: p = person, h = has hands, f = flies, s = swims
KINDS_RAW = [
    ("girl", "girls", "ran", "", "", "cookies", "little young small happy sweet", "ph s"),
    ("boy", "boys", "ran", "", "", "cookies", "little young small happy brave", "ph s"),
    ("cat", "cats", "ran", "meowed", "Meow", "fish", "little fluffy orange gray striped black", ""),
    ("dog", "dogs", "ran", "barked", "Woof", "bones", "little big brown spotted happy friendly shaggy", "s"),
    ("rabbit", "rabbits", "hopped", "", "", "carrots", "little white fluffy brown quick", "h"),
    ("bear", "bears", "ran", "growled", "Grr", "honey", "little big brown fuzzy sleepy", "hs"),
    ("bird", "birds", "flew", "chirped", "Tweet", "seeds", "little blue yellow tiny", "f"),
    ("fox", "foxes", "ran", "yipped", "Yip", "berries", "little red clever quick", "h"),
    ("mouse", "mice", "scurried", "squeaked", "Squeak", "cheese", "little tiny gray brown", "h"),
    ("dragon", "dragons", "flew", "roared", "Roar", "peppers", "little green red purple big friendly", "hf"),
    ("duck", "ducks", "waddled", "quacked", "Quack", "bread", "little yellow white", "fs"),
    ("frog", "frogs", "hopped", "croaked", "Ribbit", "flies", "little green spotted", "s"),
    ("puppy", "puppies", "ran", "barked", "Woof", "bones", "little fluffy brown happy spotted", "s"),
    ("kitten", "kittens", "ran", "mewed", "Mew", "milk", "little fluffy white tiny gray", ""),
    ("bunny", "bunnies", "hopped", "", "", "carrots", "little white fluffy gray", "h"),
    ("owl", "owls", "flew", "hooted", "Hoo", "seeds", "little wise brown sleepy", "f"),
    ("pig", "pigs", "trotted", "oinked", "Oink", "apples", "little pink muddy happy", ""),
    ("lion", "lions", "ran", "roared", "Roar", "meat", "little young golden brave", ""),
    ("monkey", "monkeys", "swung", "chattered", "Ooh ooh", "bananas", "little brown silly cheeky", "h"),
    ("elephant", "elephants", "stomped", "trumpeted", "Toot", "peanuts", "little big gray gentle", "s"),
    ("turtle", "turtles", "crawled", "", "", "lettuce", "little green slow old", "s"),
    ("squirrel", "squirrels", "scampered", "chattered", "Chit chit", "nuts", "little gray red busy", "h"),
    ("horse", "horses", "galloped", "neighed", "Neigh", "oats", "little brown white strong", ""),
    ("tiger", "tigers", "ran", "roared", "Roar", "meat", "little striped orange young", "s"),
    ("penguin", "penguins", "waddled", "squawked", "Squawk", "fish", "little black small", "s"),
    ("hedgehog", "hedgehogs", "scurried", "sniffed", "Sniff", "berries", "little spiky brown", ""),
    ("deer", "deer", "leaped", "", "", "leaves", "little young brown gentle", ""),
    ("cow", "cows", "walked", "mooed", "Moo", "grass", "little spotted brown gentle", ""),
    ("sheep", "sheep", "trotted", "bleated", "Baa", "grass", "little white woolly fluffy", ""),
    ("goat", "goats", "trotted", "bleated", "Maa", "grass", "little white silly", ""),
    ("hen", "hens", "ran", "clucked", "Cluck", "corn", "little red brown busy", ""),
    ("giraffe", "giraffes", "walked", "", "", "leaves", "little tall spotted", ""),
    ("zebra", "zebras", "galloped", "", "", "grass", "little striped young", ""),
    ("hippo", "hippos", "stomped", "grunted", "Hmph", "melons", "little big gray round", "s"),
    ("wolf", "wolves", "ran", "howled", "Awoo", "berries", "little gray young", "s"),
    ("unicorn", "unicorns", "galloped", "neighed", "Neigh", "apples", "little white shiny", ""),
    ("dinosaur", "dinosaurs", "stomped", "roared", "Rawr", "leaves", "little green big friendly", "h"),
    ("robot", "robots", "rolled", "beeped", "Beep boop", "oil", "little shiny silver small", "h"),
    ("koala", "koalas", "climbed", "", "", "leaves", "little gray sleepy", "h"),
    ("panda", "pandas", "rolled", "", "", "bamboo", "little black fuzzy round", "h"),
    ("raccoon", "raccoons", "scurried", "chattered", "Chitter", "berries", "little gray masked curious", "h"),
    ("otter", "otters", "swam", "squeaked", "Eek", "fish", "little brown playful", "hs"),
    ("beaver", "beavers", "waddled", "", "", "sticks", "little brown busy", "hs"),
    ("kangaroo", "kangaroos", "bounced", "", "", "grass", "little brown bouncy", "h"),
    ("lamb", "lambs", "skipped", "bleated", "Baa", "grass", "little white woolly", ""),
    ("chick", "chicks", "ran", "peeped", "Peep", "seeds", "little yellow fluffy tiny", ""),
    ("badger", "badgers", "trotted", "", "", "worms", "little gray striped", "h"),
    ("snail", "snails", "crawled", "", "", "leaves", "little slow tiny", ""),
    ("ladybug", "ladybugs", "flew", "", "", "leaves", "little red spotted tiny", "f"),
    ("donkey", "donkeys", "trotted", "brayed", "Hee haw", "carrots", "little gray fuzzy stubborn", ""),
    ("goose", "geese", "waddled", "honked", "Honk", "corn", "little white gray loud", "fs"),
    ("hamster", "hamsters", "scurried", "squeaked", "Squeak", "seeds", "little golden round tiny", "h"),
    ("parrot", "parrots", "flew", "squawked", "Hello hello", "crackers", "little green red bright", "f"),
    ("llama", "llamas", "trotted", "hummed", "Hmm", "hay", "little white fluffy tall", ""),
    ("seal", "seals", "flopped", "barked", "Arf", "fish", "little gray shiny round", "s"),
    ("moose", "moose", "walked", "bellowed", "Hrumph", "twigs", "little big brown tall", "s"),
    ("camel", "camels", "walked", "grunted", "Hrmph", "dates", "little sandy tall humpy", ""),
    ("sloth", "sloths", "climbed", "", "", "leaves", "little slow sleepy fuzzy", "h"),
    ("mole", "moles", "dug", "sniffed", "Sniff", "worms", "little velvety tiny", "h"),
    ("swan", "swans", "glided", "honked", "Honk", "bread", "little white graceful", "fs"),
    ("lizard", "lizards", "darted", "", "", "bugs", "little green quick tiny", ""),
    ("peacock", "peacocks", "strutted", "called", "Kee-ow", "seeds", "little proud blue", "f"),
    ("flamingo", "flamingos", "waded", "honked", "Honk", "shrimp", "little pink tall", "fs"),
    ("octopus", "octopuses", "swam", "", "", "shrimp", "little purple orange clever", "hs"),
    ("walrus", "walruses", "flopped", "bellowed", "Harrumph", "clams", "little big brown whiskery", "s"),
    ("polar bear", "polar bears", "padded", "growled", "Grr", "fish", "little white fluffy big", "hs"),
    ("firefly", "fireflies", "flew", "", "", "nectar", "little tiny glowing", "f"),
    ("bat", "bats", "flew", "squeaked", "Eek", "fruit", "little tiny brown", "f"),
    ("puffin", "puffins", "flew", "grunted", "Arr", "fish", "little black orange", "fs"),
    ("alligator", "alligators", "crawled", "snapped", "Snap", "fish", "little green bumpy", "s"),
    ("spider", "spiders", "crawled", "", "", "flies", "little tiny black busy", "h"),
    ("worm", "worms", "wiggled", "", "", "leaves", "little pink wiggly tiny", ""),
    ("rooster", "roosters", "strutted", "crowed", "Cock-a-doodle-doo", "corn", "little red proud loud", ""),
    ("crab", "crabs", "scuttled", "", "", "seaweed", "little red small", "s"),
]

# creatures that turn up in stories without a name (pronoun "it")
# (a, noun, what it does when friendly, sound noun phrase)
WILD = [
    "owl", "kitten", "puppy", "hedgehog", "frog", "squirrel", "bird", "duckling",
    "rabbit", "mouse", "raccoon", "deer", "fox", "butterfly", "ladybug", "turtle",
    "lamb", "goat", "beetle", "snail", "bee", "bat", "chick", "crab", "otter",
    "baby bird", "little fish", "caterpillar", "dragonfly", "pony",
    "robin", "sparrow", "bluebird", "woodpecker", "swan", "goose", "mole", "worm",
    "spider", "firefly", "cricket", "grasshopper", "donkey", "hamster", "lizard",
    "toad", "moth", "seagull", "crow", "magpie", "gecko", "newt", "shrew", "vole",
    "stray cat", "lost puppy", "tiny kitten", "baby rabbit", "little duck", "young deer",
]

# ---------------------------------------------------------------- traits & feelings
TRAITS = """
kind brave curious shy silly clever gentle cheerful helpful playful friendly
happy busy careful quiet funny sleepy polite honest patient jolly bold timid
lively noisy messy neat smart sweet caring cheeky proud bouncy dreamy thoughtful
loyal cuddly fearless sensible chatty generous hardworking giggly wise calm
gentle graceful grumpy clumsy daring eager fussy hopeful jumpy mischievous
nosy peaceful quick restless sleepy spirited talkative thoughtful tidy witty
adventurous artistic bright brilliant creative energetic forgetful good-natured
""".split()

FEEL_GOOD = """happy glad excited proud cheerful joyful thrilled delighted pleased
calm grateful relieved warm cozy safe content merry overjoyed peaceful
lucky bubbly""".split()
FEEL_BAD = """sad upset unhappy gloomy grumpy lonely worried cross miserable
disappointed heartbroken blue glum tearful""".split()
FEEL_SCARED = """scared afraid frightened nervous worried uneasy jumpy shaky
terrified anxious""".split()
FEEL_SURPRISE = """surprised amazed shocked astonished puzzled confused curious""".split()

COLORS = """red blue green yellow pink purple orange white black brown gold silver
gray striped spotted""".split()

SIZES = ["little", "big", "tiny", "huge", "small", "round", "long", "tall"]

NICE = """nice lovely beautiful wonderful pretty great fun special perfect
amazing""".split()

ADVERBS_SOFT = """softly quietly gently slowly carefully kindly""".split()
ADVERBS_FAST = """quickly fast rapidly swiftly""".split()
ADVERBS_HAPPY = """happily cheerfully gladly proudly joyfully""".split()

NUMBERS = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
AGES = ["five", "four", "six", "three", "seven", "eight"]

TIMES = [
    "One day", "One sunny morning", "One morning", "One afternoon",
    "One bright day", "One summer day", "Early one morning", "One warm day",
    "One spring morning", "One Saturday", "After lunch one day", "One cool evening",
    "On a sunny afternoon", "One windy day", "One fall morning",
]

REALMS = [
    "small town", "big forest", "little village", "green valley", "quiet wood",
    "busy city", "tiny house", "land far away", "sunny meadow", "cozy cottage",
    "castle by the sea", "farm on a hill", "house by the river", "snowy land",
    "magic kingdom", "jungle full of trees", "desert of golden sand",
    "seaside town", "windy island", "little house on the prairie", "town full of bridges",
    "valley between two mountains", "village made of stone", "city of tall towers",
    "cottage in the woods", "busy little harbor", "quiet street lined with trees",
]

HOMES = [
    "in a little house", "in a small house with a red door", "on a farm",
    "in a big city", "near the woods", "by the sea", "in a cozy den",
    "in a tall tree", "under a big hill", "in a little cottage",
    "next to a river", "in a yellow house", "at the edge of the forest",
    "in a tiny hole under an oak tree", "in an old barn",
]

# hobbies in base form; the engine derives past and -ing forms
HOBBIES = [
    "play outside", "draw pictures", "play with {his} ball", "read books",
    "run and jump", "sing songs", "dance", "climb trees", "play in the mud",
    "look at the stars", "build things", "pick flowers", "play games",
    "make things", "paint", "splash in puddles", "help {his} mom", "bake cookies",
    "chase butterflies", "dig in the garden", "watch the clouds", "tell jokes",
    "collect shells", "collect rocks", "ride {his} bike", "fly {his} kite",
    "play hide and seek", "explore", "count the birds", "swing on the swings",
    "hum little songs", "build sand castles", "feed the ducks", "jump rope",
    "play the drum", "make up stories", "roll down hills", "catch bugs",
    "blow bubbles", "play dress up", "look for treasure", "stack blocks",
    "whistle tunes", "skip stones", "knit scarves", "fold paper animals", "do puzzles",
    "watch the rain", "sort buttons", "swim in the lake", "play the flute",
    "make mud pies", "listen to stories", "tell riddles", "count the stars",
    "visit {his} grandma", "sail paper boats", "ride the bus", "pick berries",
    "look at bugs", "draw maps", "play chess", "learn new words", "plant flowers",
    "brush {his} pony", "help the baker", "walk in the woods", "hop on one foot",
]

# irregular / doubled verbs for the tiny inflection engine
IRREGULAR_PAST = {
    "be": "was", "go": "went", "run": "ran", "swim": "swam", "ride": "rode",
    "fly": "flew", "dig": "dug", "build": "built", "feed": "fed", "slide": "slid",
    "make": "made", "find": "found", "read": "read", "sit": "sat", "throw": "threw",
    "catch": "caught", "eat": "ate", "drink": "drank", "see": "saw", "sing": "sang",
    "hide": "hid", "draw": "drew", "tell": "told", "take": "took", "give": "gave",
    "swing": "swung", "blow": "blew", "get": "got", "have": "had", "do": "did",
    "keep": "kept", "sleep": "slept", "sweep": "swept", "buy": "bought",
    "bring": "brought", "think": "thought", "hold": "held", "win": "won",
    "come": "came", "fall": "fell", "grow": "grew", "know": "knew", "lose": "lost",
    "put": "put", "cut": "cut", "shut": "shut", "hit": "hit", "let": "let",
    "write": "wrote", "wear": "wore", "tear": "tore", "sew": "sewed",
    "spin": "spun", "stick": "stuck", "leap": "leaped", "shine": "shone",
    "hang": "hung", "bite": "bit", "lead": "led", "meet": "met", "feel": "felt",
    "leave": "left", "send": "sent", "spend": "spent", "stand": "stood",
    "teach": "taught", "wake": "woke", "hear": "heard", "say": "said",
    "pay": "paid", "lay": "laid", "shake": "shook", "sink": "sank",
    "drive": "drove", "begin": "began", "break": "broke", "choose": "chose",
    "freeze": "froze", "steal": "stole", "speak": "spoke", "forget": "forgot",
    "lie": "lay", "set": "set", "spread": "spread", "knit": "knitted", "split": "split",
}
DOUBLE_FINAL = {
    "hop", "skip", "stop", "clap", "dip", "drop", "hug", "jog", "nap", "pat",
    "plan", "rub", "shop", "tap", "trip", "wag", "grab", "nod", "pet", "dig",
    "run", "swim", "sit", "get", "cut", "put", "win", "spin", "swap", "chop",
    "mop", "bat", "begin", "skid", "zip", "tug", "scrub", "pop", "hum", "drum",
    "flap", "slip", "wrap", "stir", "dab", "plop", "sob", "shut", "let", "hit",
    "set", "knit", "split", "forget",
}

# ---------------------------------------------------------------- objects
# (phrase, flags)  flags: p plural-only, c colorable, t toy, w wearable,
#                         s small (easy to lose), g good gift
OBJECTS_RAW = [
    ("ball", "ctsg"), ("kite", "ctg"), ("teddy bear", "tsg"), ("hat", "cwsg"),
    ("doll", "tsg"), ("toy car", "ctsg"), ("box of crayons", "tsg"),
    ("toy train", "ctg"), ("yo-yo", "ctsg"), ("balloon", "ctg"), ("drum", "ctg"),
    ("toy boat", "ctsg"), ("scarf", "cwsg"), ("puzzle", "tg"), ("spinning top", "ctsg"),
    ("jump rope", "ctsg"), ("robot toy", "ctsg"), ("whistle", "ctsg"),
    ("mittens", "pcwsg"), ("boots", "pcw"), ("umbrella", "c"), ("backpack", "cs"),
    ("book", "sg"), ("storybook", "sg"), ("picture book", "sg"), ("toy plane", "ctsg"),
    ("marble", "ctsg"), ("puppet", "tsg"), ("wagon", "ct"), ("bike", "ct"),
    ("scooter", "ct"), ("shovel", "ct"), ("bucket", "ct"), ("sailboat", "ctsg"),
    ("rocket", "ctsg"), ("toy dinosaur", "ctsg"), ("stuffed bunny", "tsg"),
    ("music box", "tsg"), ("harmonica", "tsg"), ("bubble wand", "ctsg"),
    ("hula hoop", "ctg"), ("frisbee", "ctsg"), ("paint set", "tsg"),
    ("coloring book", "tsg"), ("necklace", "cwsg"), ("bracelet", "cwsg"),
    ("ring", "cwsg"), ("shell", "sg"), ("feather", "csg"), ("shiny stone", "sg"),
    ("key", "cs"), ("coin", "s"), ("map", "s"), ("flashlight", "cs"),
    ("lantern", "cg"), ("blanket", "cwg"), ("pillow", "cg"), ("cup", "csg"),
    ("spoon", "cs"), ("bowl", "cg"), ("basket", "cg"), ("jar", "cs"), ("bell", "csg"),
    ("clock", "cg"), ("watch", "cwsg"), ("glasses", "pcws"), ("socks", "pcwsg"),
    ("shoes", "pcw"), ("jacket", "cwg"), ("sweater", "cwg"), ("cape", "cwtg"),
    ("crown", "cwtsg"), ("magic wand", "ctsg"), ("toy sword", "ctsg"),
    ("fishing net", "ct"), ("camera", "csg"), ("telescope", "cg"),
    ("magnifying glass", "sg"), ("compass", "sg"), ("letter", "s"),
    ("picture", "sg"), ("flag", "csg"), ("ribbon", "cwsg"), ("bow", "cwsg"),
    ("button", "cs"), ("pencil", "csg"), ("notebook", "csg"), ("stickers", "ptsg"),
    ("toy truck", "ctsg"), ("xylophone", "ctg"), ("rubber duck", "ctsg"),
    ("piggy bank", "csg"), ("lunch box", "cs"), ("water bottle", "cs"),
    ("sand pail", "cts"), ("kazoo", "ctsg"), ("tambourine", "tsg"),
    ("snow globe", "sg"), ("toy horse", "ctsg"), ("slingshot", "ts"),
    ("paper boat", "ctsg"), ("party hat", "cwsg"), ("sun hat", "cwsg"),
    ("rain coat", "cw"), ("wooden sword", "tsg"), ("toy drum", "ctsg"),
    ("pinwheel", "ctsg"), ("blocks", "ptg"), ("beads", "pcsg"), ("gloves", "pcwsg"),
    ("kitten toy", "tsg"), ("toy bus", "ctsg"), ("bell on a string", "tsg"),
    ("snow shovel", "c"), ("treasure box", "csg"), ("toy guitar", "ctg"),
    ("skipping stone", "s"), ("wind chime", "g"), ("bird whistle", "tsg"),
    ("spyglass", "sg"), ("lollipop", "csg"), ("toy trumpet", "ctsg"), ("rag doll", "tsg"),
    ("wooden spoon", "s"), ("bean bag", "ctsg"), ("jigsaw puzzle", "tg"), ("toy tractor", "ctsg"),
    ("helmet", "cw"), ("sweatshirt", "cwg"), ("hair clip", "cwsg"), ("headband", "cwsg"),
    ("sneakers", "pcw"), ("sandals", "pcw"), ("overalls", "pcw"), ("pajamas", "pcwg"),
    ("apron", "cwg"), ("tiara", "cwtsg"), ("pirate hat", "cwtsg"), ("cowboy hat", "cwtsg"),
    ("snorkel", "ct"), ("beach ball", "ctg"), ("tent", "c"), ("sleeping bag", "c"),
    ("toy piano", "ctg"), ("recorder", "ctsg"), ("flute", "csg"), ("violin", "g"),
    ("paintbrush", "sg"), ("chalk", "cs"), ("glue stick", "s"), ("scissors", "ps"),
    ("clay", "ctg"), ("plush octopus", "ctsg"), ("wind-up mouse", "ctsg"), ("toy rocket", "ctsg"),
    ("magnet", "cs"), ("pocket watch", "sg"), ("locket", "cwsg"), ("brooch", "cwsg"),
    ("mirror", "sg"), ("comb", "cs"), ("toothbrush", "cs"), ("teacup", "csg"),
    ("teapot", "cg"), ("vase", "cg"), ("candle", "cg"), ("lamp", "cg"), ("globe", "g"),
    ("dice", "pcts"), ("cards", "ptsg"), ("dominoes", "pts"), ("skipping rope", "ctsg"),
    ("pair of skates", "ctg"), ("board game", "tg"), ("flying disc", "ctsg"),
]

FOODS = """
cookies apples cake bread sandwiches soup pie berries carrots honey cheese
grapes bananas pancakes muffins lemonade milk juice popcorn cupcakes jam toast
eggs rice noodles beans plums pears peaches cherries oranges tomatoes nuts corn
peas melon pizza pretzels crackers waffles biscuits dumplings buns tarts
strawberries blueberries raisins cereal yogurt salad potatoes pumpkin pie
figs kiwis mangoes lemons limes apricots dates olives cucumbers celery radishes
spinach broccoli porridge oatmeal omelets sausages meatballs tacos bagels scones
croissants gingerbread fudge caramels marshmallows doughnuts brownies custard
lentils chestnuts walnuts almonds peanuts hazelnuts watermelon coconut
""".split()
# "pumpkin" and "pie" are separate words above; multiword foods are below
FOODS_MULTI = [
    "apple pie", "ice cream", "cheese sandwiches", "hot soup", "warm bread",
    "carrot cake", "fruit salad", "lemon cake", "berry pie", "corn muffins",
    "peanut butter sandwiches", "hot cocoa", "banana bread", "oat cookies",
    "chocolate cake", "rice balls", "sweet buns", "honey cakes", "pea soup",
]

# ---------------------------------------------------------------- places
# Place(name, prep, indoor, features, hides, acts(base form), sights)
PLACES_RAW = [
    ("park", "at", False,
     ["the big slide", "the swings", "the sandbox", "the duck pond", "a long green bench", "the old oak tree"],
     ["under the slide", "behind a big tree", "in the sandbox", "under a bench", "in the tall grass", "near the pond"],
     ["play on the swings", "go down the slide", "feed the ducks", "run on the grass", "play tag", "dig in the sandbox"],
     ["ducks on the pond", "a man selling balloons", "children flying kites", "a squirrel in a tree", "a dog chasing a stick"]),
    ("forest", "in", False,
     ["tall trees", "a little stream", "a mossy log", "a big rock", "a path covered in leaves"],
     ["under a pile of leaves", "behind a mossy log", "in a hollow tree", "under a bush", "near the stream", "beside a big rock"],
     ["climb a tree", "pick berries", "jump over logs", "look for mushrooms", "follow the path", "listen to the birds"],
     ["a deer drinking from the stream", "birds in the branches", "tiny red mushrooms", "a rabbit in the ferns", "an owl in a hollow tree"]),
    ("beach", "at", False,
     ["the warm sand", "the big waves", "a pile of rocks", "the old pier", "a striped umbrella"],
     ["under the sand", "behind a rock", "near the water", "under a beach towel", "in a tide pool", "by the old pier"],
     ["build a sand castle", "swim in the sea", "look for shells", "jump over the waves", "dig in the sand", "fly a kite"],
     ["crabs on the rocks", "boats on the water", "seagulls in the sky", "shells on the sand", "a starfish in a tide pool"]),
    ("garden", "in", False,
     ["the flower beds", "a tall sunflower", "the vegetable patch", "a little pond", "an old wooden gate"],
     ["under a big leaf", "behind the flower pots", "in the vegetable patch", "under the rose bush", "by the garden gate", "near the watering can"],
     ["water the flowers", "pick tomatoes", "dig for worms", "smell the roses", "plant seeds", "chase butterflies"],
     ["bees on the flowers", "a snail on a leaf", "butterflies over the roses", "a robin on the fence", "worms in the soil"]),
    ("kitchen", "in", True,
     ["the big table", "the oven", "the fridge", "a shelf full of jars", "the sink"],
     ["under the table", "behind the fridge", "in a cupboard", "under a chair", "in the bread box", "next to the sink"],
     ["bake cookies", "make sandwiches", "stir the soup", "help wash the dishes", "set the table", "make pancakes"],
     ["a pot of soup on the stove", "fresh bread on the table", "a bowl of red apples", "steam from the kettle"]),
    ("school", "at", True,
     ["the classroom", "the big blackboard", "the reading corner", "the playground", "the art table"],
     ["under a desk", "in the toy box", "behind the bookshelf", "in the coat room", "near the art table", "under the teacher's chair"],
     ["read stories", "paint pictures", "sing songs", "count to one hundred", "play in the yard", "learn new words"],
     ["pictures on the walls", "a fish tank in the corner", "children reading books", "a big map of the world"]),
    ("river", "by", False,
     ["the cool water", "a little wooden bridge", "smooth stones", "tall reeds", "a grassy bank"],
     ["in the reeds", "under the bridge", "behind a stone", "on the grassy bank", "under a willow tree", "near the water"],
     ["skip stones", "watch the fish", "dip {his} toes in the water", "float leaf boats", "walk along the bank"],
     ["fish jumping in the water", "a frog on a lily pad", "ducks swimming by", "a heron standing very still"]),
    ("lake", "at", False,
     ["the blue water", "a small dock", "a rowboat", "a sandy shore", "tall pine trees"],
     ["under the dock", "by the rowboat", "on the sandy shore", "behind a pine tree", "in the tall grass", "near the water"],
     ["go fishing", "row a boat", "swim in the water", "skip stones", "watch the swans"],
     ["swans on the lake", "a fish jumping", "a turtle on a log", "dragonflies over the water"]),
    ("farm", "on", False,
     ["the red barn", "the chicken coop", "a big haystack", "the pig pen", "a green tractor"],
     ["in the haystack", "behind the barn", "in the chicken coop", "under the tractor", "by the water trough", "near the fence"],
     ["feed the hens", "pet the cows", "ride on the tractor", "collect eggs", "jump in the hay"],
     ["cows in the field", "pigs in the mud", "a goat on the fence", "hens pecking at corn", "a horse in the meadow"]),
    ("zoo", "at", False,
     ["the lion cage", "the monkey house", "the penguin pool", "the elephant yard", "the gift shop"],
     ["near the penguin pool", "behind the monkey house", "under a bench", "by the gift shop", "near the ice cream stand"],
     ["watch the monkeys", "feed the goats", "see the lions", "look at the penguins"],
     ["monkeys swinging on ropes", "a giraffe eating leaves", "penguins diving into the water", "an elephant spraying water", "a lion taking a nap"]),
    ("library", "at", True,
     ["tall shelves of books", "a cozy reading nook", "big soft cushions", "the front desk", "a rug with letters on it"],
     ["behind the shelves", "under a cushion", "in the reading nook", "under the front desk", "between two big books"],
     ["read books", "listen to a story", "look at picture books", "find a book about dragons"],
     ["children reading quietly", "a shelf of fairy tales", "a big book about the stars", "a sleeping cat by the window"]),
    ("meadow", "in", False,
     ["tall grass", "wild flowers", "a small hill", "a lonely tree", "a bubbling brook"],
     ["in the tall grass", "under the lonely tree", "among the flowers", "behind a rock", "near the brook"],
     ["pick flowers", "roll down the hill", "chase butterflies", "fly a kite", "lie in the grass"],
     ["butterflies everywhere", "bees buzzing on the flowers", "a rabbit in the grass", "clouds like sheep"]),
    ("hill", "on", False,
     ["the top of the hill", "soft green grass", "a windy path", "an old stone wall", "a single tree"],
     ["behind the stone wall", "in the long grass", "under the single tree", "near the path", "by a big rock"],
     ["roll down the hill", "fly a kite", "look at the town below", "have a picnic"],
     ["the whole town below", "sheep on the next hill", "birds flying high", "the river far away"]),
    ("pond", "by", False,
     ["the still water", "lily pads", "tall cattails", "a flat rock", "a little dock"],
     ["in the cattails", "under a lily pad", "behind the flat rock", "by the little dock", "in the mud"],
     ["feed the ducks", "catch tadpoles", "watch the frogs", "float a toy boat"],
     ["frogs on lily pads", "ducks with their ducklings", "a dragonfly on a reed", "fish under the water"]),
    ("playground", "at", False,
     ["the tall slide", "the monkey bars", "the seesaw", "the merry-go-round", "the sandpit"],
     ["under the slide", "in the sandpit", "behind the seesaw", "near the monkey bars", "under the merry-go-round"],
     ["go down the slide", "swing on the monkey bars", "play on the seesaw", "play tag", "climb the rope net"],
     ["kids on the seesaw", "a boy on the monkey bars", "a girl going down the slide", "a dog chasing a ball"]),
    ("market", "at", False,
     ["stalls full of fruit", "a flower stand", "a cheese shop", "a man selling hats", "baskets of fresh bread"],
     ["under a fruit stall", "behind a basket", "near the flower stand", "by the cheese shop"],
     ["buy apples", "smell the flowers", "taste the cheese", "buy fresh bread"],
     ["piles of red apples", "a man playing a fiddle", "bright flowers in buckets", "a lady selling honey"]),
    ("bakery", "at", True,
     ["warm ovens", "a glass case of cakes", "trays of cookies", "a big bag of flour"],
     ["behind the flour bags", "under the counter", "by the ovens", "near the cake case"],
     ["buy a muffin", "watch the baker", "smell the bread", "pick a cake"],
     ["the baker pulling out warm bread", "cakes with pink icing", "cookies shaped like stars"]),
    ("backyard", "in", False,
     ["the old swing", "a wooden fence", "a little shed", "a big apple tree", "a plastic pool"],
     ["behind the shed", "under the apple tree", "by the fence", "in the flower pots", "under the swing"],
     ["play on the swing", "climb the apple tree", "splash in the pool", "play catch", "build a fort"],
     ["a bird feeder full of seeds", "a cat on the fence", "apples on the tree", "a squirrel on the roof"]),
    ("attic", "in", True,
     ["old boxes", "a dusty trunk", "a round window", "an old rocking chair", "piles of old clothes"],
     ["in an old box", "inside the dusty trunk", "behind the rocking chair", "under the old clothes"],
     ["look through old boxes", "try on old hats", "find old toys", "read old letters"],
     ["cobwebs in the corners", "an old rocking horse", "photos of Grandma as a girl", "a box of old toys"]),
    ("bedroom", "in", True,
     ["the bed", "a toy chest", "a big window", "a shelf of books", "a soft rug"],
     ["under the bed", "in the toy chest", "behind the curtains", "under the pillow", "in the closet", "under the rug"],
     ["build a blanket fort", "read a book", "play with toys", "jump on the bed"],
     ["stars on the ceiling", "a row of stuffed animals", "the moon through the window"]),
    ("living room", "in", True,
     ["the big sofa", "the fireplace", "a soft rug", "a tall lamp", "a bookcase"],
     ["under the sofa", "behind the cushions", "by the fireplace", "under the rug", "behind the bookcase"],
     ["build a fort with pillows", "do a puzzle", "play a board game", "watch the fire"],
     ["a fire in the fireplace", "the cat asleep on the sofa", "rain on the window"]),
    ("barn", "in", True,
     ["bales of hay", "the horse stalls", "an old ladder", "the hayloft", "a big wooden door"],
     ["in the hay", "behind the ladder", "in the hayloft", "in an empty stall", "under a bale of hay"],
     ["jump in the hay", "brush the horses", "feed the goats", "climb the ladder"],
     ["a horse eating hay", "kittens in the hay", "a hen sitting on her eggs", "swallows in the rafters"]),
    ("field", "in", False,
     ["rows of corn", "a scarecrow", "a muddy path", "golden wheat", "a wooden fence"],
     ["in the corn", "behind the scarecrow", "by the fence", "in the wheat", "under a hay bale"],
     ["run through the wheat", "play with the scarecrow", "fly a kite", "race to the fence"],
     ["crows on the scarecrow", "a tractor far away", "mice in the wheat", "a field full of sunflowers"]),
    ("cave", "in", True,
     ["dark walls", "shiny rocks", "a little pool of water", "a narrow tunnel"],
     ["behind a big rock", "in a dark corner", "by the little pool", "in the narrow tunnel"],
     ["look for shiny rocks", "listen to the echo", "explore the tunnel"],
     ["shiny crystals on the wall", "bats hanging upside down", "drops of water falling"]),
    ("island", "on", False,
     ["palm trees", "white sand", "a rocky hill", "a hidden cove"],
     ["under a palm tree", "in the white sand", "behind a rock", "in the hidden cove"],
     ["look for treasure", "swim in the blue water", "climb the rocky hill", "build a hut"],
     ["colorful fish in the water", "parrots in the trees", "a turtle on the sand", "coconuts on the palms"]),
    ("castle", "at", True,
     ["a tall tower", "a great hall", "a long stone stair", "a big wooden gate"],
     ["in the tall tower", "behind a suit of armor", "under the throne", "by the big gate"],
     ["climb the tower", "play knights", "look out the windows", "dance in the great hall"],
     ["flags on the towers", "a moat full of fish", "a king and a queen", "knights on horses"]),
    ("toy store", "at", True,
     ["shelves full of toys", "a big teddy bear", "a toy train set", "a wall of puzzles"],
     ["behind the teddy bears", "under a shelf", "near the train set", "by the door"],
     ["look at the toys", "play with the trains", "try the drums"],
     ["a train going round and round", "dolls in pretty dresses", "a giant stuffed giraffe"]),
    ("mountain", "on", False,
     ["a rocky path", "snow on the top", "tall pine trees", "a cold stream"],
     ["behind a rock", "under a pine tree", "near the stream", "in the snow"],
     ["climb the path", "look at the view", "throw snowballs", "drink from the stream"],
     ["an eagle high in the sky", "goats on the rocks", "the clouds below", "snow on the peaks"]),
    ("orchard", "in", False,
     ["rows of apple trees", "a wooden ladder", "baskets of fruit", "a little cart"],
     ["under an apple tree", "in a basket", "behind the ladder", "by the cart"],
     ["pick apples", "climb a ladder", "eat plums", "fill a basket"],
     ["red apples on every branch", "bees near the fallen plums", "a deer eating an apple"]),
    ("campsite", "at", False,
     ["the tent", "a crackling campfire", "a picnic table", "tall trees all around"],
     ["in the tent", "under the picnic table", "behind a log", "by the campfire"],
     ["roast marshmallows", "tell stories by the fire", "look at the stars", "set up the tent"],
     ["stars in the sky", "sparks from the fire", "fireflies in the dark", "a raccoon by the trees"]),
    ("swimming pool", "at", False,
     ["the blue water", "the diving board", "the shallow end", "a big slide"],
     ["under a towel", "by the diving board", "near the shallow end", "under a chair"],
     ["swim", "jump in the water", "play with a beach ball", "go down the water slide"],
     ["kids splashing", "a lifeguard in a tall chair", "floating rings on the water"]),
    ("jungle", "in", False,
     ["giant leaves", "hanging vines", "a rushing waterfall", "huge old trees"],
     ["under a giant leaf", "behind the waterfall", "in the vines", "under the roots of a tree"],
     ["swing on the vines", "look for parrots", "splash under the waterfall"],
     ["parrots of every color", "a sleepy sloth", "monkeys high in the trees", "a frog as bright as a lemon"]),
    ("village", "in", False,
     ["the town square", "a well", "little houses", "a bridge over the stream"],
     ["by the well", "under the bridge", "behind the bakery", "near the town square"],
     ["visit friends", "buy bread", "play by the well", "watch the town clock"],
     ["a clock tower", "a cart full of pumpkins", "people waving hello", "smoke from the chimneys"]),
]

PLACES_RAW += [
    ("aquarium", "at", True,
     ["a giant glass tank", "a tunnel under the water", "a touch pool", "a dark room full of jellyfish"],
     ["behind the big tank", "under a bench", "near the touch pool", "by the shark tunnel"],
     ["watch the sharks", "touch a starfish", "look at the jellyfish", "count the fish"],
     ["a shark gliding past", "glowing jellyfish", "an octopus hiding in a pot", "a sea turtle swimming slowly", "seahorses holding on to the grass"]),
    ("fair", "at", False,
     ["a big wheel", "a carousel with painted horses", "a cotton candy stand", "a tent with stripes"],
     ["behind the carousel", "under the big wheel", "near the cotton candy stand", "by the ring toss"],
     ["ride the carousel", "eat cotton candy", "play ring toss", "go on the big wheel"],
     ["lights of every color", "a clown on stilts", "a prize pig with a ribbon", "a man juggling torches"]),
    ("circus", "at", True,
     ["a huge red tent", "a high wire", "a ring of sawdust", "rows of wooden seats"],
     ["under the seats", "behind the curtain", "near the ring", "by the ticket booth"],
     ["watch the acrobats", "laugh at the clowns", "eat popcorn", "clap for the jugglers"],
     ["acrobats flying through the air", "clowns with big red noses", "a seal balancing a ball", "a lady walking on a high wire"]),
    ("harbor", "at", False,
     ["tall sailing ships", "a long wooden dock", "fishing boats", "a red lighthouse"],
     ["behind a pile of nets", "under the dock", "by the lighthouse", "near the fishing boats"],
     ["watch the boats", "count the sails", "buy fresh fish", "wave at the sailors"],
     ["sailors tying ropes", "gulls circling the boats", "a seal on the rocks", "a big ship with three masts"]),
    ("desert", "in", False,
     ["golden sand dunes", "a tall cactus", "a small oasis", "red rocks"],
     ["behind a sand dune", "under a cactus", "near the oasis", "in the shade of a rock"],
     ["climb the dunes", "look for lizards", "rest by the oasis", "watch the sunset"],
     ["a lizard on a rock", "camels walking in a line", "a cactus with a pink flower", "the sun setting orange and red"]),
    ("train station", "at", True,
     ["a big clock", "long platforms", "a ticket window", "a shiny steam train"],
     ["under a bench", "by the ticket window", "near the big clock", "behind a suitcase"],
     ["watch the trains", "buy tickets", "wave at the driver", "count the cars"],
     ["a train puffing smoke", "people with big suitcases", "a conductor with a whistle", "pigeons on the roof"]),
    ("lighthouse", "at", True,
     ["a winding stair", "a huge lamp", "a round window", "the rocky shore"],
     ["under the stairs", "behind the lamp", "by the round window", "near the rocks"],
     ["climb the stairs", "look out to sea", "help the keeper", "watch the ships"],
     ["ships far away", "waves crashing on the rocks", "the keeper polishing the lamp", "gulls flying past the window"]),
    ("treehouse", "in", True,
     ["a rope ladder", "a little window", "a tiny table", "a flag on the roof"],
     ["under the tiny table", "in a basket", "behind the rope ladder", "by the little window"],
     ["read comics", "play cards", "spy on the birds", "have a snack"],
     ["birds in the next tree", "the whole garden below", "a squirrel on the branch", "leaves all around"]),
    ("museum", "at", True,
     ["a huge dinosaur skeleton", "old paintings", "a room full of gold", "a model of the moon"],
     ["behind a statue", "under a bench", "near the dinosaur", "by the painting of a ship"],
     ["look at the paintings", "see the dinosaur bones", "learn about the stars", "draw the statues"],
     ["a dinosaur as tall as a house", "a painting of a king", "old coins in a glass case", "a mummy in a box"]),
    ("snowy hill", "on", False,
     ["deep snow", "a frozen pond", "snowy pine trees", "a steep slope"],
     ["in the deep snow", "under a snowy pine", "by the frozen pond", "behind a snow bank"],
     ["go sledding", "build a snow man", "make snow angels", "throw snowballs"],
     ["children on sleds", "icicles on the trees", "a fox in the snow", "smoke rising from the houses"]),
    ("vegetable patch", "in", False,
     ["rows of carrots", "tall corn", "big green cabbages", "a scarecrow in a hat"],
     ["under a cabbage leaf", "between the carrots", "in the tall corn", "behind the scarecrow"],
     ["pull carrots", "water the beans", "pick peas", "look for snails"],
     ["a rabbit nibbling a leaf", "fat red tomatoes", "a worm in the soil", "a ladybug on a bean"]),
]

TRAVEL = [
    "in the car", "on a bus", "on a train", "by boat", "on their bikes",
    "on foot", "in a little red wagon", "in an old truck", "on a ferry",
    "in a hot air balloon",
]

PACK = [
    "sandwiches", "a blanket", "a ball", "a bottle of water", "some apples",
    "a hat", "a book", "a kite", "a towel", "a bucket and a shovel", "some cookies",
    "a map", "a jacket", "sun cream", "a camera", "a flashlight",
]

SOUNDS = [  # (sound noun phrase, verb when heard)
    ("a strange noise", "coming from"), ("a loud bang", "coming from"),
    ("a scratching sound", "coming from"), ("a soft tapping", "coming from"),
    ("a rustling sound", "coming from"), ("a spooky howl", "coming from"),
    ("a thump", "coming from"), ("a squeaking sound", "coming from"),
    ("a low hum", "coming from"), ("a creaking sound", "coming from"),
    ("a splash", "coming from"), ("a crunching sound", "coming from"),
]

# who made the noise: (reveal phrase, what it was doing, friendly follow-up)
CULPRITS = [
    ("an owl", "was hooting in the tree", "blinked its big round eyes"),
    ("a little kitten", "was scratching at the door", "purred and rubbed against {his} legs"),
    ("a hedgehog", "was rustling in the dry leaves", "sniffed {his} shoe with its little nose"),
    ("a puppy", "was chasing its own tail", "wagged its tail and licked {his} hand"),
    ("a frog", "was croaking by the window", "hopped onto {his} hand"),
    ("a squirrel", "was cracking nuts on the roof", "dropped a nut at {his} feet"),
    ("a raccoon", "was looking for snacks", "waved its little paws"),
    ("a branch", "was tapping on the window in the wind", "swayed gently"),
    ("a baby bird", "had fallen out of its nest", "chirped a tiny thank you"),
    ("a mouse", "was nibbling on a cookie crumb", "twitched its whiskers"),
    ("a duckling", "was lost and calling for its mother", "waddled after {him}"),
    ("a goat", "was chewing on the fence", "said maa and nodded its head"),
    ("a bunny", "was digging a hole", "hopped in a happy circle"),
    ("the wind", "was blowing through the chimney", "whistled a little tune"),
    ("a little bat", "was flapping around the lamp", "flew out the window with a squeak"),
    ("a turtle", "was bumping into a bucket", "poked its head out to say hello"),
]

SKILLS = [
    # (base phrase, flags, failure, tip, success)   flags: h needs hands, f flying, a anyone
    ("ride a bike", "h", "{he} wobbled and fell over", "{M} held the seat and ran beside {him}",
     "{he} rode all the way down the street"),
    ("swim", "a", "{he} splashed and sank and swallowed some water", "{M} showed {him} how to kick {his} legs",
     "{he} swam across the pool all by {himself}"),
    ("tie {his} shoes", "h", "the laces got all tangled", "{M} taught {him} to make two bunny ears",
     "{he} tied a perfect bow"),
    ("fly", "f", "{he} flapped and flapped but fell into a bush", "{M} told {him} to wait for the wind",
     "{he} flew high over the trees"),
    ("read", "a", "the letters looked like little bugs", "{M} helped {him} sound out each word",
     "{he} read a whole book to {his} friends"),
    ("whistle", "a", "only air came out", "{M} showed {him} how to make a small round mouth",
     "{he} whistled a happy tune"),
    ("jump rope", "a", "{he} tripped on the rope", "{M} counted one, two, jump",
     "{he} jumped twenty times without stopping"),
    ("climb a tree", "a", "{he} slipped and landed in the leaves", "{M} showed {him} where to put {his} feet",
     "{he} climbed all the way to the top"),
    ("bake bread", "h", "the bread came out flat and hard", "{M} showed {him} how to knead the dough",
     "{he} baked a warm, fluffy loaf"),
    ("paint a picture", "h", "the colors ran together into a brown mess", "{M} told {him} to let each color dry",
     "{he} painted a bright and pretty picture"),
    ("play the piano", "h", "the notes sounded all wrong", "{M} showed {him} how to play slowly first",
     "{he} played a whole song"),
    ("skate", "a", "{he} slipped and sat down hard on the ice", "{M} held {his} hands",
     "{he} skated in a big circle"),
    ("catch a ball", "a", "the ball bounced off {his} nose", "{M} told {him} to watch the ball",
     "{he} caught the ball ten times in a row"),
    ("write {his} name", "h", "the letters came out big and crooked", "{M} guided {his} hand",
     "{he} wrote {his} name neatly at the top of the page"),
    ("dive", "a", "{he} landed on {his} belly with a big splash", "{M} showed {him} how to point {his} arms",
     "{he} dove into the water like a fish"),
    ("build a sand castle", "a", "the tower fell down again and again", "{M} told {him} to use wet sand",
     "{he} built a castle with four towers"),
    ("do a cartwheel", "a", "{he} tumbled over onto the grass", "{M} showed {him} how to put {his} hands down first",
     "{he} did a perfect cartwheel"),
    ("sing a song", "a", "{his} voice came out all squeaky", "{M} told {him} to take a deep breath",
     "{he} sang the whole song in a clear voice"),
    ("hop on one foot", "a", "{he} fell over after one hop", "{M} told {him} to look at one spot",
     "{he} hopped all the way across the yard"),
    ("play the drum", "h", "the beat was all over the place", "{M} tapped the beat on the table",
     "{he} played a steady beat"),
    ("count to twenty", "a", "{he} always forgot what came after twelve", "{M} made up a counting song",
     "{he} counted all the way to twenty"),
    ("roar", "a", "only a tiny squeak came out", "{M} told {him} to roar from {his} belly",
     "{he} gave a great big roar"),
]

BROKEN = [
    # (thing, how the hero came to have it, how it broke, what the fixer did, result)
    ("kite", "had a {color} kite that {he} loved to fly", "the string snapped and the kite got a big rip", "tied the string and put tape on the rip", "the kite flew higher than ever"),
    ("toy car", "had a little toy car that went very fast", "a wheel came off", "put the wheel back on with a little glue", "the car zoomed across the floor again"),
    ("teddy bear", "had an old teddy bear that {he} took everywhere", "one of its arms tore off", "sewed the arm back on with red thread", "the bear looked even better than before"),
    ("bike", "had a {color} bike with a shiny bell", "the chain came off", "put the chain back on and oiled it", "the bike was as good as new"),
    ("wagon", "had a red wagon for carrying {his} toys", "a wheel got wobbly", "tightened the bolts with a wrench", "the wagon rolled smoothly again"),
    ("sand castle", "built a tall sand castle at the beach", "a big wave knocked it down", "built it again, farther from the water", "the new castle was even taller"),
    ("necklace", "had a necklace of {color} beads", "the string broke and the beads rolled everywhere", "found every bead and put them on a new string", "the necklace sparkled again"),
    ("toy boat", "had a wooden toy boat", "a hole opened in the bottom", "patched the hole with wax", "the boat floated on the water"),
    ("umbrella", "had a {color} umbrella with white dots", "the wind bent it inside out", "bent the wires back into shape", "the umbrella opened wide again"),
    ("book", "had a book full of stories about the sea", "a page tore in half", "taped the page back together", "the story was whole again"),
    ("birdhouse", "had a little birdhouse in the garden", "the roof fell off in the wind", "nailed the roof back on", "the birds came back to live in it"),
    ("block tower", "built a tall block tower in {his} room", "it fell down with a crash", "built it again, one block at a time", "the new tower was as tall as a door"),
    ("clock", "had a little clock shaped like a moon", "it stopped ticking", "put in a new battery", "the clock went tick, tock again"),
    ("doll house", "had a doll house with five rooms", "the little door came off", "glued the door back on", "the dolls could go in and out again"),
    ("drum", "had a drum that went boom", "the top got a hole", "stretched a new skin over the top", "the drum went boom, boom again"),
    ("chair", "had a small wooden chair just the right size", "one leg got loose", "fixed the leg with a new screw", "the chair stood strong again"),
    ("snow man", "built a big snow man in the yard", "the sun melted its head", "rolled a new ball of snow for its head", "the snow man smiled again"),
    ("paper crown", "made a paper crown with gold stars", "it got crushed", "folded it again and added new glitter", "the crown looked fit for a king"),
    ("music box", "had a music box that played a sweet song", "the tune stopped playing", "found a bent pin and made it straight", "the music box played its song again"),
    ("jar", "had a glass jar for {his} shiny stones", "it cracked down the side", "glued the crack and painted flowers over it", "the jar looked prettier than before"),
    ("toy robot", "had a toy robot that could wave", "its arm stopped moving", "tightened a tiny screw", "the robot waved its arm again"),
    ("swing", "had a swing in the old apple tree", "one rope snapped", "tied on a new, strong rope", "the swing went high again"),
    ("guitar", "had a little guitar", "a string broke", "put on a new string and tuned it", "the guitar sounded sweet again"),
]

GIFTS_MADE = [
    # (what the hero made, base form of the making)
    ("a picture of the two of them", "drew"), ("a card with a big heart on it", "made"),
    ("a bunch of wild flowers", "picked"), ("a plate of cookies", "baked"),
    ("a necklace of colorful beads", "made"), ("a little song", "made up"),
    ("a paper crown", "folded"), ("a clay bowl", "shaped"), ("a bookmark with stars on it", "made"),
    ("a box of shiny stones", "collected"), ("a little poem", "wrote"),
    ("a bracelet of daisies", "wove"), ("a paper boat", "folded"),
    ("a small wooden bird", "carved"), ("a scarf", "knitted"),
    ("a cake with pink icing", "baked"), ("a jar of jam", "made"),
]

OCCASIONS = [
    "birthday", "first day at the new house", "last day of school",
    "first snow day", "garden party", "big show", "name day",
]

RACE_COURSES = [
    "to the big tree", "to the end of the field", "around the pond",
    "to the top of the hill", "across the meadow", "to the old fence",
    "down to the river", "around the park", "to the red barn",
]

PLANTS = [
    # (seed, plant, what it makes)
    ("a sunflower seed", "sunflower", "a big yellow flower taller than {him}"),
    ("a bean", "bean plant", "long green beans"),
    ("a pumpkin seed", "pumpkin vine", "a fat orange pumpkin"),
    ("a tomato seed", "tomato plant", "round red tomatoes"),
    ("an apple seed", "apple tree", "a tiny tree with shiny leaves"),
    ("a carrot seed", "carrot", "a long orange carrot"),
    ("a daisy seed", "daisy", "a white daisy with a yellow middle"),
    ("a strawberry seed", "strawberry plant", "sweet red strawberries"),
    ("an acorn", "oak tree", "a little oak tree"),
    ("a pea", "pea plant", "pods full of green peas"),
    ("a tulip bulb", "tulip", "a red tulip"),
    ("a melon seed", "melon vine", "a big striped melon"),
]

WEATHER_STORM = [
    "dark clouds", "a cold wind", "big gray clouds", "black clouds",
]

BAKES = [
    # (what, steps)
    ("a cake", ["cracked the eggs", "poured in the flour", "stirred the batter", "added the sugar"]),
    ("cookies", ["mixed the butter and sugar", "added the flour", "rolled the dough", "cut out stars and hearts"]),
    ("pancakes", ["cracked the eggs", "poured in the milk", "whisked the batter", "flipped the pancakes"]),
    ("a pie", ["rolled out the dough", "sliced the apples", "sprinkled on cinnamon", "pinched the edges"]),
    ("muffins", ["mixed the batter", "dropped in blueberries", "filled the little cups", "licked the spoon"]),
    ("bread", ["mixed the flour and water", "kneaded the dough", "let it rise", "shaped it into a loaf"]),
    ("a pizza", ["rolled out the dough", "spread the tomato sauce", "sprinkled the cheese", "added the olives"]),
    ("soup", ["washed the carrots", "chopped the potatoes", "stirred the pot", "added a pinch of salt"]),
]

# ---------------------------------------------------------------- lists for the later arcs
PICNIC_PLACES = ["meadow", "park", "hill", "beach", "lake", "garden", "orchard", "river", "field", "forest"]

PICNIC_TROUBLE = [
    # (what happened, what they did about it)
    ("a line of ants marched onto the blanket and carried away the crumbs",
     "They laughed and gave the ants a little piece of bread of their own"),
    ("a gust of wind blew the napkins all over the grass",
     "They ran after the napkins and caught every one"),
    ("a goose waddled over and grabbed a sandwich",
     "They made another sandwich and shared the crusts with the goose"),
    ("a puppy ran up and put its muddy paws on the blanket",
     "They patted the puppy and gave it a drink of water"),
    ("a wasp buzzed around the jam",
     "They stayed calm and walked away slowly until it flew off"),
    ("the juice spilled all over the cake",
     "They ate the cake anyway, and it tasted even sweeter"),
    ("a squirrel stole an apple and ran up a tree",
     "They waved at the squirrel and said it could keep the apple"),
    ("it started to drizzle",
     "They held the blanket over their heads and ate under it like a tent"),
]

TREASURE_START = [
    "found an old map inside a dusty book",
    "found a rolled-up map in a bottle by the water",
    "found a folded map under a loose board",
    "got a secret map from {his} grandpa",
    "found a map drawn in crayon inside an old box",
]
TREASURE_CLUES = [
    "Walk ten steps to the tallest tree",
    "Look for the rock shaped like a bear",
    "Go where the water runs under the bridge",
    "Find the red gate and turn left",
    "Count the big stones and stop at the seventh",
    "Dig by the bench with the broken leg",
    "Look behind the old well",
    "Follow the path until you hear the bells",
]
TREASURES = [
    "a tin box full of old coins", "a little chest of shiny marbles",
    "a letter from {his} grandpa, written when he was a boy",
    "a golden key and a note that said, Keep looking for adventure",
    "a box of seashells and a tiny silver ring", "a toy soldier with a painted hat",
    "a jar of colorful buttons", "a wooden whistle shaped like a bird",
    "a bag of chocolate coins", "a book of old photos",
]

SNOW_THINGS = [
    "built a snow man with a carrot nose and button eyes",
    "went sliding down the hill on a sled",
    "made snow angels in the soft snow",
    "had a snowball fight",
    "caught snowflakes on their tongues",
    "built a snow fort with thick walls",
    "followed the footprints of a rabbit in the snow",
    "looked at the long icicles hanging from the roof",
]

TEACHERS = [("Miss Plum", "she"), ("Mr. Brown", "he"), ("Miss Hart", "she"), ("Mrs. Bell", "she"),
            ("Mr. Oak", "he"), ("Miss Daisy", "she"), ("Mr. Reed", "he"), ("Mrs. Snow", "she")]

CLASS_THINGS = [
    "painted pictures of their families", "sang a song about the days of the week",
    "listened to a story about a brave little boat", "counted buttons in a jar",
    "planted beans in paper cups", "made paper hats", "learned the letters of the alphabet",
    "played a game with a big rainbow parachute", "fed the class fish", "built a tower out of blocks",
]

BEDTIME_TROUBLES = [
    "it was too hot", "it was too cold", "{his} blanket was too itchy", "the moon was too bright",
    "{he} was thirsty", "{he} heard the wind outside", "{he} kept thinking about the day",
    "{his} pillow felt too flat", "{he} was not tired at all",
]
BEDTIME_HELP = [
    "sang a soft lullaby", "told a story about a sleepy bear", "turned on a little night light",
    "gave {him} a warm glass of milk", "showed {him} how to count sheep", "opened the window a little",
    "tucked {him} in tight", "read {him} a book about the stars",
]

SHOW_ACTS = [
    # (base verb phrase for the act, what went on stage)
    ("sing a song", "sang"), ("dance", "danced"), ("play the piano", "played the piano"),
    ("say a poem", "said a poem"), ("do a magic trick", "did a magic trick"),
    ("play the violin", "played the violin"), ("tell a joke", "told a joke"),
    ("juggle three balls", "juggled three balls"), ("play the drums", "played the drums"),
    ("be a tree in the play", "stood tall like a tree"),
]

PETS = [
    # (kind, name, where it was found, what it was doing)
    ("dog", "Buster", "at the bakery", "sitting by the door, hoping for a treat"),
    ("cat", "Mittens", "in the neighbor's shed", "curled up with three tiny kittens"),
    ("hamster", "Nugget", "inside the sofa", "asleep on a pile of crumbs"),
    ("parrot", "Kiwi", "in the big tree by the school", "singing with the wild birds"),
    ("tortoise", "Shelly", "under the strawberry plants", "eating all the berries"),
    ("rabbit", "Clover", "in the vegetable garden next door", "munching on a carrot"),
    ("puppy", "Biscuit", "at the park", "playing with a big dog"),
    ("kitten", "Smudge", "in the laundry basket", "wrapped in a warm towel"),
    ("goat", "Gruff", "on top of the car", "chewing on a flower"),
    ("duck", "Puddle", "at the pond", "swimming with the other ducks"),
]

GIANTS = [
    # (creature, what people said, real trouble, how hero helped, how it helped after)
    ("dragon", "breathed fire and ate sheep", "had a thorn stuck in its foot",
     "gently pulled out the thorn", "lit the lanterns in the village every night"),
    ("giant", "stomped on houses", "was lonely because everyone ran away",
     "sat down and talked with the giant", "helped the farmers carry heavy logs"),
    ("troll", "ate anyone who crossed the bridge", "was sad because nobody ever said hello",
     "said hello and shared {his} lunch", "fixed the old bridge for everyone"),
    ("bear", "growled at everyone", "had a sore tooth",
     "brought a soft pear for the bear to eat", "kept watch over the forest"),
    ("wolf", "howled all night to scare people", "had lost its pack and was calling for them",
     "showed the wolf the way to the mountains", "came back each spring to visit"),
    ("sea monster", "sank boats", "had a fishing net tangled around its tail",
     "cut the net away", "pushed stuck boats back into the sea"),
]

TRASH = ["plastic bags", "empty bottles", "old cans", "candy wrappers", "paper cups",
         "bottle caps", "broken toys", "straws", "old newspapers", "a rusty bucket"]

MAGIC_ITEMS = ["a shiny shell", "an old lamp", "a glowing stone", "a golden coin", "a sparkly feather",
               "a tiny silver bell", "a blue bottle", "a wooden star"]
WISHES_SILLY = [
    "a mountain of candy", "a hundred balloons", "a puppy that could talk", "a bed made of cake",
    "a river of lemonade", "a house full of toys", "shoes that could fly",
]
WISH_TROUBLE = [
    "{he} ate so much that {his} tummy hurt", "there was no room left to sit down",
    "it was so noisy that {he} could not think", "it got sticky and messy very quickly",
    "{his} friends were not there to share it",
]
WISHES_KIND = [
    "that {his} friend {F} would get better soon", "that the old tree in the park would bloom again",
    "that the lost puppy in the town would find its home", "that {F} would have a happy birthday",
    "that nobody in the village would be hungry",
]

WEATHER_LINES = [
    "The sun was shining.", "The sky was blue and clear.", "The air smelled of flowers.",
    "A soft breeze was blowing.", "Little white clouds floated across the sky.",
    "The birds were singing in the trees.", "It was a warm and sunny day.",
    "The grass was wet with dew.", "The leaves were red and gold.",
    "The air was cool and fresh.", "Bees buzzed from flower to flower.",
]

# ---------------------------------------------------------------- looks
HAIR = ["curly", "long", "short", "straight", "wavy", "messy", "red", "brown", "black", "golden", "fluffy"]
EYES = ["blue", "brown", "green", "gray", "bright", "big", "dark", "sparkly"]
FUR = ["soft", "shiny", "fluffy", "thick", "smooth", "spotted", "striped", "silky", "fuzzy"]
TAILS = ["long", "short", "bushy", "curly", "fluffy", "stripy", "little", "swishy"]
LOOKS_EXTRA_PERSON = ["freckles on {his} nose", "a gap in {his} teeth", "round glasses",
                      "a big toothy grin", "rosy cheeks", "a dimple when {he} smiled", "a band-aid on {his} knee"]
LOOKS_EXTRA_ANIMAL = ["a pink nose", "long whiskers", "floppy ears", "a white spot on {his} back",
                      "tiny paws", "big round eyes", "a crooked ear", "a black patch over one eye"]

TRAITS = list(dict.fromkeys(TRAITS))

THEN = ["Then", "After that", "Next", "Soon", "A little later", "Before long", "Later",
        "After a while", "Just then", "Right after that"]

SIMILES = {
    "happy": ["as happy as a lark", "as happy as a clam", "as happy as a puppy with a bone",
              "as pleased as punch", "happy as can be"],
    "quiet": ["as quiet as a mouse", "as still as a stone", "as silent as snow"],
    "fast": ["as fast as the wind", "as quick as a flash", "as fast as lightning", "like a rocket"],
    "brave": ["as brave as a lion", "as bold as a knight", "as brave as a bear"],
    "tired": ["as sleepy as a sloth", "as tired as an old shoe", "ready for bed"],
}
