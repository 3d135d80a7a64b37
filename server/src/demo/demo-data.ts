/**
 * The demo's people and its assistant: a dozen Leads and Contacts at manufacturers in five
 * countries, and "Nova", whose pitch is written in English and, for the leads who read those, in
 * German, Spanish, French and Portuguese. The writer's test composes over exactly these.
 */
export interface DemoPerson {
  first: string;
  last: string;
  company: string;
  module: 'Contacts' | 'Leads';
  title: string | null;
  city: string;
  country: string;
  /** Leads carry Zoho's Industry picklist (Contacts have it on their Account). */
  industry?: string;
}

export const DEMO_PEOPLE: readonly DemoPerson[] = [
  { first: 'Jane', last: 'Doe', company: 'Initech Plastics', module: 'Contacts', title: 'Head of Operations', city: 'Dayton', country: 'United States' },
  { first: 'Carlos', last: 'Mendes', company: 'Porto Real Ceramics', module: 'Contacts', title: 'Diretor Industrial', city: 'Porto', country: 'Portugal' },
  { first: 'Hannah', last: 'Weber', company: 'Weber Metallbau', module: 'Contacts', title: 'Geschäftsführerin', city: 'Stuttgart', country: 'Deutschland' },
  { first: 'Olivia', last: 'Grant', company: 'Harborview Textiles', module: 'Contacts', title: null, city: 'Baltimore', country: 'United States' },
  { first: 'Martin', last: 'Hale', company: 'Pennine Glass', module: 'Contacts', title: 'Plant Manager', city: 'Leeds', country: 'United Kingdom' },
  { first: 'Sophie', last: 'Dubois', company: 'Plastiques du Rhône', module: 'Contacts', title: 'Directrice des opérations', city: 'Lyon', country: 'France' },
  { first: 'Ravi', last: 'Iyer', company: 'Sunrise Packaging', module: 'Leads', title: 'Energy Manager', city: 'Pune', country: 'India', industry: 'Manufacturing' },
  { first: 'Emma', last: 'Novak', company: 'Danube Castings', module: 'Leads', title: 'Technische Leiterin', city: 'Linz', country: 'Austria', industry: 'Manufacturing' },
  { first: 'Liam', last: 'O’Connor', company: 'Shannon Extrusions', module: 'Leads', title: null, city: 'Limerick', country: 'Ireland', industry: 'Manufacturing' },
  { first: 'Mei', last: 'Chen', company: 'Pearl River Molding', module: 'Leads', title: 'COO', city: 'Guangzhou', country: 'China', industry: 'Manufacturing' },
  { first: 'Diego', last: 'Alvarez', company: 'Andes Metalworks', module: 'Leads', title: 'Gerente de Planta', city: 'Santiago', country: 'Chile', industry: 'Manufacturing' },
  { first: 'Grace', last: 'Kim', company: 'Cascade Foods', module: 'Leads', title: 'VP Operations', city: 'Portland', country: 'United States', industry: 'Other' },
];

/** The assistant the demo creates (the fields the settings tab shows), its pitch in five languages. */
export const DEMO_ASSISTANT = {
  name: 'Nova',
  default_context: 'Brightline helps mid-size manufacturers cut energy costs by 10–20% with smart sub-metering that installs in an afternoon. The meters show, machine by machine, where power goes when nothing is being produced.',
  signature: 'Nova\nEnergy Advisor, Brightline',
  nurture_lines: ['Brightline customers save 18% on energy in the first year.', 'A ceramics plant near Leeds found 31% of its night-time load came from two idle kilns.', 'Our meters pay for themselves in under nine months on average.'],
  postal_address: 'Brightline Manufacturing, 1 Main St, Springfield',
  brochure_url: 'https://brightline.example/brochure.pdf',
  other_languages: {
    de: {
      context: 'Brightline senkt die Energiekosten mittelständischer Hersteller um 10 bis 20 Prozent – mit intelligenten Unterzählern, die an einem Nachmittag installiert sind. Die Zähler zeigen Maschine für Maschine, wohin der Strom fließt, wenn gerade nichts produziert wird.',
      nurture_lines: ['Brightline-Kunden sparen im ersten Jahr 18 % ihrer Energiekosten.', 'Ein Keramikwerk bei Leeds stellte fest, dass 31 % seiner Nachtlast von zwei leerlaufenden Brennöfen kamen.', 'Im Schnitt haben sich unsere Zähler nach weniger als neun Monaten bezahlt gemacht.'],
    },
    es: {
      context: 'Brightline ayuda a fabricantes medianos a reducir sus costes de energía entre un 10 y un 20 % con submedidores inteligentes que se instalan en una tarde. Los medidores muestran, máquina por máquina, adónde va la electricidad cuando no se está produciendo nada.',
      nurture_lines: ['Los clientes de Brightline ahorran un 18 % en energía durante el primer año.', 'Una planta cerámica cerca de Leeds descubrió que el 31 % de su consumo nocturno venía de dos hornos parados.', 'De media, nuestros medidores se pagan solos en menos de nueve meses.'],
    },
    fr: {
      context: "Brightline aide les industriels de taille moyenne à réduire leur facture d'énergie de 10 à 20 % grâce à des sous-compteurs intelligents installés en un après-midi. Les compteurs montrent, machine par machine, où part l'électricité quand rien n'est produit.",
      nurture_lines: ["Les clients de Brightline économisent 18 % d'énergie dès la première année.", 'Une usine de céramique près de Leeds a découvert que 31 % de sa consommation nocturne venait de deux fours à l’arrêt.', 'En moyenne, nos compteurs sont amortis en moins de neuf mois.'],
    },
    pt: {
      context: 'A Brightline ajuda fabricantes de média dimensão a reduzir os custos de energia entre 10 e 20 %, com submedidores inteligentes que se instalam numa tarde. Os medidores mostram, máquina a máquina, para onde vai a eletricidade quando nada está a ser produzido.',
      nurture_lines: ['Os clientes da Brightline poupam 18 % em energia logo no primeiro ano.', 'Uma fábrica de cerâmica perto de Leeds descobriu que 31 % do seu consumo noturno vinha de dois fornos parados.', 'Em média, os nossos medidores pagam-se a si próprios em menos de nove meses.'],
    },
  },
};
