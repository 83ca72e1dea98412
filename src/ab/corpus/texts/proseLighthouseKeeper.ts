import type {CorpusDocument} from "../corpusDocument";

export const proseLighthouseKeeper: CorpusDocument = {
    name: "keeper-letter.txt",
    kind: "prose",
    language: "text",
    text: String.raw`Dear Marta,

Thank you for the parcel. The tea arrived dry, which is more than can be said for the boat that
brought it; the crossing on Tuesday was rough enough that the supply crew stayed only long
enough to throw the boxes onto the landing and leave. I carried everything up the steps in
three trips and spent the evening drying tins on the stove. Nothing was lost except the label
on the coffee, so I will find out what it is when I open it.

You asked what a normal day looks like here. There is less drama than people imagine. I wake
before the lamp is due to go out, climb the stairs, and write the time and the weather in the
log. Then comes the cleaning: the lens, the brass, the windows of the lantern room, which salt
spray covers again within hours if the wind is from the west. After breakfast I check the
generator and the batteries, and note the fuel level. The afternoons are for repairs. There is
always something: a hinge that has rusted, a gutter that has come loose, paint flaking from
the railing on the gallery.

The evenings are the part I like best. Before dusk I climb up again, start the lamp and watch
the beam begin to turn. From the gallery you can see the lights of the fishing boats coming
back along the coast, and on clear nights the glow of the town beyond the headland. The sound
of the mechanism is steady, a low hum with a click at each rotation, and after a few weeks you
stop hearing it and only notice when it changes. That is the whole job, really: noticing when
something changes.

Storms are different. Last month we had two days when the waves came over the lower wall and
the spray reached the kitchen windows. I kept the log every hour, checked the lamp twice a
night, and otherwise stayed inside and read. The building shakes less than you would think.
It was built by people who knew what the sea would do to it, and it has stood for longer than
anyone now living has been alive.

I do miss ordinary things. Fresh bread, mostly, and conversation that is not on the radio.
The supply crew are friendly but always in a hurry, and the weekly call with the office is about
fuel and spare parts. Your letters are the only news I get that is not about the weather, so
please keep writing, even if it is only to tell me what the neighbours have done to their
garden this time.

The relief keeper comes in three weeks if the sea allows it. I will take the first train south
and should be at your door by Saturday evening. Keep the kettle ready, and if you can find the
good biscuits, the ones from the bakery near the station, I would not say no.

With love, and with salt in everything I own,
Tomas
`
};
