import type {CorpusDocument} from "../corpusDocument";

export const proseSourdough: CorpusDocument = {
    name: "sourdough.md",
    kind: "prose",
    language: "markdown",
    text: String.raw`# What a sourdough starter actually does

A sourdough starter looks like nothing much: a jar of flour and water that smells a little sour
and rises and falls once or twice a day. Inside it, two groups of microbes have settled into a
working arrangement. Wild yeasts eat the sugars released from the flour and give off carbon
dioxide, which is what lifts the dough. Lactic acid bacteria eat many of the same sugars and
give off acids, which is where the sour taste comes from. The acids also keep most other
microbes out, so a healthy starter protects itself.

Feeding a starter means throwing most of it away and mixing what is left with fresh flour and
water. That sounds wasteful, but it is the point. Each feeding dilutes the acid and the waste,
gives the population new food, and resets the clock. A starter fed at the same time every day
becomes predictable: it doubles in a known number of hours, peaks, and then slowly collapses as
the food runs out. Bakers learn to use it near the peak, when the yeast is most active.

Temperature changes everything. In a warm kitchen the cycle can take four hours; in a cold one
it can take twelve. Warmth favours the yeast and a milder flavour, while a cooler, slower rise
lets the bacteria produce more acetic acid, which tastes sharper, closer to vinegar. Many
bakers move the dough into the refrigerator overnight for exactly this reason, and because it
makes the schedule fit a working day.

The flour matters too. Whole grain flours carry more minerals and more of the microbes'
favourite food, so a starter fed with rye or whole wheat tends to be livelier than one fed only
with white flour. Hydration, the ratio of water to flour, changes the texture and the speed: a
runny starter ferments quickly and evenly, a stiff one more slowly and with a milder smell.

None of this needs to be measured precisely to work. People kept starters alive for centuries
without thermometers or scales, by watching and smelling. Still, a few numbers help when
something goes wrong. If a starter smells of nail polish, it is hungry and wants more frequent
feeding. If a grey liquid collects on top, that is alcohol from starving yeast, and it can be
poured off or stirred back in. If it does not rise at all for several days after being left
alone, a few feedings in a warm place usually bring it back.

The dough itself follows the same logic on a larger scale. After mixing, the gluten network
forms and strengthens while the microbes work. Folding the dough a few times during the first
hours lines the strands up and traps the gas. Shaping builds surface tension so the loaf holds
its form, and the final rise, often in a basket, gives the yeast time to fill the structure
before the heat of the oven sets it. The crust browns because sugars and proteins react at high
temperatures, and the steam in the first minutes keeps the surface soft long enough for the
loaf to expand.

The result is bread that keeps longer than most, because the acids slow down staling and mould.
It also tastes of the place and the routine that made it, which is why two bakers with the same
recipe rarely bake the same loaf.
`
};
