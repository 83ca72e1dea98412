import type {CorpusDocument} from "../corpusDocument";

export const proseRiverWalk: CorpusDocument = {
    name: "river-walk.txt",
    kind: "prose",
    language: "text",
    text: String.raw`A year along the river path

In January the path is mostly mud, and the river runs high and brown with water from the hills.
The willows along the bank are bare, so you can see straight across to the allotments on the
far side, where someone has left a blue wheelbarrow upside down to keep the rain out. Herons
stand in the shallows by the old weir and do not move until you are almost level with them.
Then they lift off slowly, complaining, and land fifty metres further on, so that you disturb
the same bird four or five times before it gives up and crosses to the other bank.

By March the mud has hardened into ruts and the first green shows in the hedges. Blackthorn
flowers before its leaves appear, white against dark twigs, and for a week or two the hedges
look as if a late frost has settled on them. The river drops and clears. On sunny afternoons
there are people again: a man who walks two elderly spaniels at exactly the pace they choose,
a group of runners who always say good morning whatever the hour, children throwing sticks
from the footbridge and running to the other side to see whose comes out first.

Summer changes the sound of the place. The water is low and slow, and instead of the steady
rush from the weir there is a thin trickle and the noise of insects in the long grass. Swifts
come down to drink in long curves above the surface. The path is dusty, and the nettles and
cow parsley on either side grow tall enough to brush your shoulders. Fishermen set up their
chairs at the wide bend where the water is deepest and sit there for hours, mostly watching
their floats, sometimes talking quietly to whoever stops.

The best weeks are in early autumn. The light comes in lower and warmer, the blackberries are
ripe along the fence by the railway bridge, and the first leaves float past in small rafts.
In the mornings mist lies on the water meadows and the cattle seem to stand in a white lake
with only their backs showing. By ten o'clock it has burned off and the whole valley is clear
and still, the kind of day that makes people walk further than they meant to.

Then the rain returns. In November the river rises over a few days, covers the lower path, and
everyone takes the upper route past the church instead. The water carries branches and the odd
lost football down towards the town. It is easy to think of the winter path as the dull part of
the year, but it is when the shape of the valley is clearest: where the floods reach, which
fields drain first, how the river has moved a little since last year, cutting into one bank
and leaving gravel on the other.

Walking the same mile of path through every season teaches a kind of attention that is hard to
get any other way. Nothing dramatic happens. The same trees, the same bend, the same bridge.
But each time something is different, and after a while you notice that you are looking for
it, the first swift, the first frost on the footbridge rail, the day the heron stays put.
`
};
